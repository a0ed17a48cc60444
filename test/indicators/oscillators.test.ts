import { describe, expect, it } from 'vitest';
import * as ti from 'technicalindicators';
import { CCI, EMA, MACD, MOM, ROC, RSI, StochasticOscillator, WilliamsR } from 'trading-signals';
import { cci, macd, momentum, roc, rsi, stochastic, williamsR } from '../../src/indicators/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { align, expectSeriesClose, randomOhlcv, type Ohlcv } from './helpers.js';

// ---- naive references ----
function refRsi(x: ArrayLike<number>, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  if (x.length <= p) return out;
  let g = 0;
  let l = 0;
  for (let i = 1; i <= p; i++) {
    const d = x[i] - x[i - 1];
    g += Math.max(d, 0);
    l += Math.max(-d, 0);
  }
  g /= p;
  l /= p;
  const val = () => (g + l === 0 ? 0 : 100 - 100 / (1 + g / l));
  out[p] = val();
  for (let i = p + 1; i < x.length; i++) {
    const d = x[i] - x[i - 1];
    g = (g * (p - 1) + Math.max(d, 0)) / p;
    l = (l * (p - 1) + Math.max(-d, 0)) / p;
    out[i] = val();
  }
  return out;
}
/** EMA of x seeded with the SMA of x[seedEnd−p+1..seedEnd], defined from seedEnd on. */
function emaFrom(x: ArrayLike<number>, p: number, seedEnd: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  if (seedEnd >= x.length) return out;
  let s = 0;
  for (let j = seedEnd - p + 1; j <= seedEnd; j++) s += x[j];
  out[seedEnd] = s / p;
  const a = 2 / (p + 1);
  for (let j = seedEnd + 1; j < x.length; j++) out[j] = out[j - 1] + a * (x[j] - out[j - 1]);
  return out;
}
function refMacd(x: ArrayLike<number>, f: number, s: number, g: number) {
  const n = x.length;
  const start = s - 1;
  const fast = emaFrom(x, f, start); // TA-Lib: fast EMA seeded on the window ending where the slow one starts
  const slow = emaFrom(x, s, start);
  const line = fast.map((v, i) => v - slow[i]);
  const sig = emaFrom(line, g, start + g - 1);
  const first = start + g - 1;
  const m = line.map((v, i) => (i < first ? NaN : v));
  return { macd: m, signal: sig, histogram: m.map((v, i) => v - sig[i]) };
}
function hhll(b: Ohlcv, i: number, p: number): [number, number] {
  let hh = -Infinity;
  let ll = Infinity;
  for (let j = i - p + 1; j <= i; j++) {
    hh = Math.max(hh, b.high[j]);
    ll = Math.min(ll, b.low[j]);
  }
  return [hh, ll];
}
function refStoch(b: Ohlcv, fk: number, sk: number, sd: number) {
  const n = b.length;
  const fast = new Float64Array(n).fill(NaN);
  for (let i = fk - 1; i < n; i++) {
    const [hh, ll] = hhll(b, i, fk);
    fast[i] = hh === ll ? 0 : (100 * (b.close[i] - ll)) / (hh - ll);
  }
  const ma = (x: Float64Array, p: number) =>
    x.map((_, i) => {
      if (i < p - 1) return NaN;
      let s = 0;
      for (let j = i - p + 1; j <= i; j++) s += x[j];
      return s / p;
    });
  const k = ma(fast, sk);
  const d = ma(k, sd);
  return { k: k.map((v, i) => (Number.isNaN(d[i]) ? NaN : v)), d };
}
function refWillR(b: Ohlcv, p: number) {
  return b.close.map((c, i) => {
    if (i < p - 1) return NaN;
    const [hh, ll] = hhll(b, i, p);
    return hh === ll ? 0 : (-100 * (hh - c)) / (hh - ll);
  });
}
function refCci(b: Ohlcv, p: number) {
  const tp = b.close.map((c, i) => (b.high[i] + b.low[i] + c) / 3);
  return tp.map((t, i) => {
    if (i < p - 1) return NaN;
    const w = Array.from(tp.subarray(i - p + 1, i + 1));
    const mean = w.reduce((a, v) => a + v, 0) / p;
    const md = w.reduce((a, v) => a + Math.abs(v - mean), 0) / p;
    return md === 0 ? 0 : (t - mean) / (0.015 * md);
  });
}

const candles = (b: Ohlcv) => Array.from(b.close, (c, i) => ({ open: b.open[i], high: b.high[i], low: b.low[i], close: c, volume: b.volume[i] }));

describe('oscillators against naive references', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const b = randomOhlcv(seed, 240, { tick: seed === 2 ? 0.5 : 0 });
    for (const p of [1, 2, 3, 7, 14, 30, 239, 240, 500]) {
      it(`seed ${seed} period ${p}: RSI, Williams %R, CCI, ROC, momentum`, () => {
        expectSeriesClose(rsi(b.close, p), refRsi(b.close, p), { abs: 1e-9, label: 'rsi' });
        expectSeriesClose(williamsR(b.high, b.low, b.close, p), refWillR(b, p), { abs: 1e-9, label: 'willr' });
        // CCI is a ratio of two small differences: tolerance relative to its scale (values run to ±300)
        expectSeriesClose(cci(b.high, b.low, b.close, p), refCci(b, p), { abs: 1e-7, label: 'cci' });
        const r = b.close.map((v, i) => (i < p ? NaN : 100 * (v / b.close[i - p] - 1)));
        expectSeriesClose(roc(b.close, p), r, { abs: 1e-10, label: 'roc' });
        expectSeriesClose(momentum(b.close, p), b.close.map((v, i) => (i < p ? NaN : v - b.close[i - p])), { abs: 1e-10, label: 'mom' });
      });
    }
    for (const [f, s, g] of [
      [12, 26, 9],
      [2, 3, 2],
      [5, 35, 5],
      [1, 2, 1],
      [100, 200, 50],
    ]) {
      it(`seed ${seed} MACD(${f},${s},${g}) with TA-Lib alignment`, () => {
        const got = macd(b.close, f, s, g);
        const ref = refMacd(b.close, f, s, g);
        expectSeriesClose(got.macd, ref.macd, { abs: 1e-9, label: 'macd' });
        expectSeriesClose(got.signal, ref.signal, { abs: 1e-9, label: 'signal' });
        expectSeriesClose(got.histogram, ref.histogram, { abs: 1e-9, label: 'hist' });
      });
    }
    for (const [fk, sk, sd] of [
      [14, 3, 3],
      [5, 3, 3],
      [1, 1, 1],
      [9, 1, 5],
      [200, 30, 20],
    ]) {
      it(`seed ${seed} STOCH(${fk},${sk},${sd})`, () => {
        const got = stochastic(b.high, b.low, b.close, fk, sk, sd);
        const ref = refStoch(b, fk, sk, sd);
        expectSeriesClose(got.k, ref.k, { abs: 1e-9, label: 'k' });
        expectSeriesClose(got.d, ref.d, { abs: 1e-9, label: 'd' });
      });
    }
  }
});

describe('oscillators against technicalindicators and trading-signals', () => {
  for (const seed of [21, 22]) {
    const b = randomOhlcv(seed, 800);
    const x = b.close;
    const arr = Array.from(x);
    const cs = candles(b);
    const n = b.length;
    const hlc = { high: Array.from(b.high), low: Array.from(b.low), close: arr };
    for (const p of [2, 9, 14, 25]) {
      it(`seed ${seed} period ${p}: RSI = trading-signals RSI (same Wilder seed); technicalindicators RSI to its 2-decimal rounding`, () => {
        const ts = new Float64Array(n);
        const r = new RSI(p);
        for (let i = 0; i < n; i++) ts[i] = r.add(x[i]) ?? NaN;
        expectSeriesClose(rsi(x, p), ts, { abs: 1e-9, label: 'ts rsi' });
        expectSeriesClose(rsi(x, p), align(n, ti.rsi({ period: p, values: arr }), p), { abs: 0.00500001, rel: 0, label: 'ti rsi' });
      });
      it(`seed ${seed} period ${p}: Williams %R, CCI, ROC, MOM, STOCH`, () => {
        const run = <T>(ind: { add(v: T): number | null }, inputs: T[]) => Float64Array.from(inputs, (v) => ind.add(v) ?? NaN);
        expectSeriesClose(williamsR(b.high, b.low, x, p), run(new WilliamsR(p), cs), { abs: 1e-9, label: 'ts willr' });
        expectSeriesClose(williamsR(b.high, b.low, x, p), align(n, ti.williamsr({ ...hlc, period: p }), p - 1), { abs: 1e-9, label: 'ti willr' });
        expectSeriesClose(cci(b.high, b.low, x, p), run(new CCI(p), cs), { abs: 1e-8, label: 'ts cci' });
        expectSeriesClose(cci(b.high, b.low, x, p), align(n, ti.cci({ ...hlc, period: p }), p - 1), { abs: 1e-8, label: 'ti cci' });
        // trading-signals ROC is a fraction, ours percent (TA-Lib)
        expectSeriesClose(roc(x, p), run(new ROC(p), arr).map((v) => v * 100), { abs: 1e-10, label: 'ts roc' });
        expectSeriesClose(roc(x, p), align(n, ti.roc({ period: p, values: arr }), p), { abs: 1e-10, label: 'ti roc' });
        expectSeriesClose(momentum(x, p), run(new MOM(p), arr), { abs: 1e-10, label: 'ts mom' });
        const st = new StochasticOscillator({ kPeriod: p, kSlowingPeriod: 3, dPeriod: 3 });
        const k = new Float64Array(n).fill(NaN);
        const d = new Float64Array(n).fill(NaN);
        cs.forEach((c, i) => {
          const r = st.add(c);
          if (r) {
            k[i] = r.stochK;
            d[i] = r.stochD;
          }
        });
        const ours = stochastic(b.high, b.low, x, p, 3, 3);
        expectSeriesClose(ours.k, k, { abs: 1e-9, label: 'ts stoch k' });
        expectSeriesClose(ours.d, d, { abs: 1e-9, label: 'ts stoch d' });
        // technicalindicators' stochastic is the fast one (%K unsmoothed, %D = SMA(signalPeriod))
        const tiSt = ti.stochastic({ ...hlc, period: p, signalPeriod: 3 });
        const fast = stochastic(b.high, b.low, x, p, 1, 3);
        expectSeriesClose(fast.k, align(n, tiSt.map((r) => (r.d === undefined ? undefined : r.k)), p - 1), { abs: 1e-9, label: 'ti stoch k' });
        expectSeriesClose(fast.d, align(n, tiSt.map((r) => r.d), p - 1), { abs: 1e-9, label: 'ti stoch d' });
      });
    }
    it(`seed ${seed}: MACD 12/26/9 matches technicalindicators and trading-signals once their different fast-EMA seeds decay`, () => {
      // technicalindicators seeds the fast EMA on bars 0..11 and starts the signal at its bar 25;
      // trading-signals seeds both EMAs with the first price. TA-Lib seeds the fast EMA on bars 14..25.
      const ours = macd(x, 12, 26, 9);
      const t = ti.macd({ values: arr, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
      const from = 600;
      expectSeriesClose(ours.macd, align(n, t.map((r) => r.MACD), 25), { from, abs: 1e-9, label: 'ti macd' });
      expectSeriesClose(ours.signal, align(n, t.map((r) => r.signal), 25), { from, abs: 1e-9, label: 'ti signal' });
      const m = new MACD(new EMA(12), new EMA(26), new EMA(9));
      const tsLine = new Float64Array(n).fill(NaN);
      const tsSig = new Float64Array(n).fill(NaN);
      arr.forEach((v, i) => {
        const r = m.add(v);
        if (r) {
          tsLine[i] = r.macd;
          tsSig[i] = r.signal;
        }
      });
      expectSeriesClose(ours.macd, tsLine, { from, abs: 1e-9, label: 'ts macd' });
      expectSeriesClose(ours.signal, tsSig, { from, abs: 1e-9, label: 'ts signal' });
    });
  }
});

describe('hand-worked values', () => {
  it('RSI(2): changes +1, +1, −2; seed gain 1 loss 0 → 100; then gain 0.5 loss 1 → 33.33', () => {
    const r = rsi(Float64Array.from([10, 11, 12, 10]), 2);
    expectSeriesClose(r, [NaN, NaN, 100, (100 * 0.5) / 1.5]);
  });
  it('RSI of a flat series is 0 (TA-Lib), not 50 or 100', () => {
    expect(Array.from(rsi(new Float64Array(6).fill(5), 3))).toEqual([NaN, NaN, NaN, 0, 0, 0]);
  });
  it('Williams %R and Stochastic of a flat window are 0 (TA-Lib)', () => {
    const f = new Float64Array(5).fill(5);
    expect(Array.from(williamsR(f, f, f, 2))).toEqual([NaN, 0, 0, 0, 0]);
    expect(Array.from(stochastic(f, f, f, 2, 1, 1).k)).toEqual([NaN, 0, 0, 0, 0]);
  });
  it('CCI(3) of closes 1,2,3 (tp = close): mean 2, mean deviation 2/3 → (3 − 2)/(0.015·2/3) = 100', () => {
    const c = Float64Array.from([1, 2, 3]);
    expectSeriesClose(cci(c, c, c, 3), [NaN, NaN, 100]);
  });
  it('ROC is 0 when the base value is 0 (TA-Lib)', () => {
    expectSeriesClose(roc(Float64Array.from([0, 5, 6]), 1), [NaN, 0, 20]);
  });
});

describeShared('oscillators on real data', () => {
  for (const file of ['btc-usd_1h.csv', 'goog_1d.csv']) {
    it(`${file}: RSI, MACD, STOCH, %R, CCI equal the naive references and a second library`, () => {
      const bars = readSharedCsv(file);
      const b: Ohlcv = bars;
      const x = bars.close;
      expectSeriesClose(rsi(x, 14), refRsi(x, 14), { abs: 1e-9, label: 'rsi' });
      const r = new RSI(14);
      expectSeriesClose(rsi(x, 14), Float64Array.from(x, (v) => r.add(v) ?? NaN), { abs: 1e-9, label: 'ts rsi' });
      const m = macd(x);
      const ref = refMacd(x, 12, 26, 9);
      expectSeriesClose(m.macd, ref.macd, { abs: 1e-9, rel: 1e-9, label: 'macd' });
      expectSeriesClose(m.signal, ref.signal, { abs: 1e-9, rel: 1e-9, label: 'signal' });
      const st = stochastic(b.high, b.low, x);
      const sr = refStoch(b, 14, 3, 3);
      expectSeriesClose(st.k, sr.k, { abs: 1e-9, label: 'k' });
      expectSeriesClose(st.d, sr.d, { abs: 1e-9, label: 'd' });
      expectSeriesClose(williamsR(b.high, b.low, x), refWillR(b, 14), { abs: 1e-9, label: 'willr' });
      expectSeriesClose(cci(b.high, b.low, x, 20), refCci(b, 20), { abs: 1e-7, label: 'cci' });
    });
  }
});
