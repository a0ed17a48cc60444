import { describe, expect, it } from 'vitest';
import * as ti from 'technicalindicators';
import { ADX, Aroon, SuperTrend } from 'trading-signals';
import { adx, aroon, atr, ichimoku, parabolicSar, superTrend } from '../../src/indicators/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { align, expectSeriesClose, randomOhlcv, type Ohlcv } from './helpers.js';

// ---- naive references ----
/** Wilder's ADX as TA-Lib computes it, written array by array. */
function refAdx(b: Ohlcv, p: number) {
  const n = b.length;
  const tr = new Float64Array(n);
  const pdm = new Float64Array(n);
  const mdm = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const up = b.high[i] - b.high[i - 1];
    const dn = b.low[i - 1] - b.low[i];
    pdm[i] = up > dn && up > 0 ? up : 0;
    mdm[i] = dn > up && dn > 0 ? dn : 0;
    tr[i] = Math.max(b.high[i] - b.low[i], Math.abs(b.high[i] - b.close[i - 1]), Math.abs(b.low[i] - b.close[i - 1]));
  }
  const wilderSum = (x: Float64Array) => {
    const s = new Float64Array(n).fill(NaN);
    if (n <= p) return s;
    let acc = 0;
    for (let i = 1; i < p; i++) acc += x[i];
    for (let i = p; i < n; i++) {
      acc = acc - acc / p + x[i];
      s[i] = acc;
    }
    return s;
  };
  const str = wilderSum(tr);
  const sp = wilderSum(pdm);
  const sm = wilderSum(mdm);
  const plusDi = sp.map((v, i) => (str[i] === 0 ? 0 : (100 * v) / str[i]));
  const minusDi = sm.map((v, i) => (str[i] === 0 ? 0 : (100 * v) / str[i]));
  // DX is undefined when +DI + −DI = 0: TA-Lib counts it as 0 in the first average and afterwards
  // leaves ADX unchanged on such bars.
  const dx = plusDi.map((v, i) => (v + minusDi[i] === 0 ? NaN : (100 * Math.abs(v - minusDi[i])) / (v + minusDi[i])));
  const out = new Float64Array(n).fill(NaN);
  if (n > 2 * p - 1) {
    let a = 0;
    for (let i = p; i <= 2 * p - 1; i++) a += Number.isNaN(dx[i]) ? 0 : dx[i];
    a /= p;
    out[2 * p - 1] = a;
    for (let i = 2 * p; i < n; i++) {
      if (!Number.isNaN(dx[i])) a = (a * (p - 1) + dx[i]) / p;
      out[i] = a;
    }
  }
  return { adx: out, plusDi, minusDi };
}
function refAroon(b: Ohlcv, p: number) {
  const n = b.length;
  const up = new Float64Array(n).fill(NaN);
  const down = new Float64Array(n).fill(NaN);
  for (let i = p; i < n; i++) {
    let hi = i - p;
    let lo = i - p;
    for (let j = i - p; j <= i; j++) {
      if (b.high[j] >= b.high[hi]) hi = j;
      if (b.low[j] <= b.low[lo]) lo = j;
    }
    up[i] = (100 * (p - (i - hi))) / p;
    down[i] = (100 * (p - (i - lo))) / p;
  }
  return { up, down, oscillator: up.map((u, i) => u - down[i]) };
}
/** Parabolic SAR from Wilder's rules with TA-Lib's start and clamping, as an explicit state machine. */
function refSar(b: Ohlcv, step = 0.02, max = 0.2): Float64Array {
  const n = b.length;
  const out = new Float64Array(n).fill(NaN);
  if (n < 2) return out;
  const downMove = b.low[0] - b.low[1];
  const upMove = b.high[1] - b.high[0];
  let long = !(downMove > 0 && upMove < downMove);
  let af = step;
  let ep = long ? b.high[1] : b.low[1];
  let sar = long ? b.low[0] : b.high[0];
  for (let i = 1; i < n; i++) {
    const lowLast2 = Math.min(b.low[i], b.low[Math.max(i - 1, 1)]);
    const highLast2 = Math.max(b.high[i], b.high[Math.max(i - 1, 1)]);
    const penetrated = long ? b.low[i] <= sar : b.high[i] >= sar;
    if (penetrated) {
      long = !long;
      sar = long ? Math.min(ep, lowLast2) : Math.max(ep, highLast2);
      out[i] = sar;
      af = step;
      ep = long ? b.high[i] : b.low[i];
    } else {
      out[i] = sar;
      if (long && b.high[i] > ep) {
        ep = b.high[i];
        af = Math.min(af + step, max);
      }
      if (!long && b.low[i] < ep) {
        ep = b.low[i];
        af = Math.min(af + step, max);
      }
    }
    sar = sar + af * (ep - sar);
    sar = long ? Math.min(sar, lowLast2) : Math.max(sar, highLast2);
  }
  return out;
}
function mid(b: Ohlcv, i: number, p: number): number {
  if (i < p - 1) return NaN;
  return (Math.max(...b.high.subarray(i - p + 1, i + 1)) + Math.min(...b.low.subarray(i - p + 1, i + 1))) / 2;
}
/** TradingView's ta.supertrend (Pine reference code) on the TA-Lib ATR, direction +1 = up. */
function refSuperTrend(b: Ohlcv, p: number, m: number) {
  const a = atr(b.high, b.low, b.close, p);
  const n = b.length;
  const line = new Float64Array(n).fill(NaN);
  const dir = new Float64Array(n).fill(NaN);
  let up = NaN;
  let lo = NaN;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(a[i])) continue;
    const hl2 = (b.high[i] + b.low[i]) / 2;
    let u = hl2 + m * a[i];
    let l = hl2 - m * a[i];
    const prevL = Number.isNaN(lo) ? 0 : lo;
    const prevU = Number.isNaN(up) ? 0 : up;
    l = l > prevL || b.close[i - 1] < prevL ? l : prevL;
    u = u < prevU || b.close[i - 1] > prevU ? u : prevU;
    let d: number;
    if (Number.isNaN(a[i - 1])) d = -1;
    // Pine tests `superTrend[1] == upperBand[1]`; we carry the direction itself, which differs only when
    // ATR is 0 and the two bands coincide.
    else if (dir[i - 1] === -1) d = b.close[i] > u ? 1 : -1;
    else d = b.close[i] < l ? -1 : 1;
    up = u;
    lo = l;
    line[i] = d === 1 ? l : u;
    dir[i] = d;
  }
  return { line, direction: dir };
}
const candles = (b: Ohlcv) => Array.from(b.close, (c, i) => ({ open: b.open[i], high: b.high[i], low: b.low[i], close: c }));

describe('trend indicators against naive references', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const b = randomOhlcv(seed, 300, { tick: seed === 5 ? 0.5 : 0 });
    for (const p of [1, 2, 3, 7, 14, 25, 149, 150, 400]) {
      it(`seed ${seed} period ${p}: ADX/+DI/−DI, Aroon, SuperTrend`, () => {
        const got = adx(b.high, b.low, b.close, p);
        const ref = refAdx(b, p);
        expectSeriesClose(got.adx, ref.adx, { abs: 1e-9, label: 'adx' });
        expectSeriesClose(got.plusDi, ref.plusDi, { abs: 1e-9, label: '+di' });
        expectSeriesClose(got.minusDi, ref.minusDi, { abs: 1e-9, label: '-di' });
        const ar = aroon(b.high, b.low, p);
        const rr = refAroon(b, p);
        expectSeriesClose(ar.up, rr.up, { abs: 1e-12, label: 'aroon up' });
        expectSeriesClose(ar.down, rr.down, { abs: 1e-12, label: 'aroon down' });
        expectSeriesClose(ar.oscillator, rr.oscillator, { abs: 1e-12, label: 'aroon osc' });
        const st = superTrend(b.high, b.low, b.close, p, 3);
        const sr = refSuperTrend(b, p, 3);
        expectSeriesClose(st.line, sr.line, { rel: 0, label: 'st line' });
        expectSeriesClose(st.direction, sr.direction, { rel: 0, label: 'st dir' });
      });
    }
    it(`seed ${seed}: Parabolic SAR (several step/max), and SAR never inside the bar it is reported on`, () => {
      for (const [s, m] of [
        [0.02, 0.2],
        [0.01, 0.1],
        [0.05, 0.5],
        [0.2, 0.2],
      ]) {
        const got = parabolicSar(b.high, b.low, s, m);
        expectSeriesClose(got, refSar(b, s, m), { label: `sar ${s}/${m}` });
        for (let i = 1; i < b.length; i++) {
          if (!(got[i] <= b.low[i] || got[i] >= b.high[i])) expect.fail(`SAR ${got[i]} inside bar ${i}`);
        }
      }
    });
    it(`seed ${seed}: Ichimoku lines unshifted`, () => {
      for (const [c, k, s] of [
        [9, 26, 52],
        [2, 3, 4],
        [20, 60, 120],
      ]) {
        const got = ichimoku(b.high, b.low, c, k, s);
        const t = b.high.map((_, i) => mid(b, i, c));
        const kj = b.high.map((_, i) => mid(b, i, k));
        expectSeriesClose(got.tenkan, t, { rel: 0, label: 'tenkan' });
        expectSeriesClose(got.kijun, kj, { rel: 0, label: 'kijun' });
        expectSeriesClose(got.senkouA, t.map((v, i) => (v + kj[i]) / 2), { rel: 0, label: 'senkouA' });
        expectSeriesClose(got.senkouB, b.high.map((_, i) => mid(b, i, s)), { rel: 0, label: 'senkouB' });
      }
    });
  }
});

describe('trend indicators against technicalindicators and trading-signals', () => {
  for (const seed of [41, 42]) {
    const b = randomOhlcv(seed, 1500);
    const n = b.length;
    const hlc = { high: Array.from(b.high), low: Array.from(b.low), close: Array.from(b.close) };
    const cs = candles(b);
    for (const p of [5, 14]) {
      it(`seed ${seed} period ${p}: ADX/±DI equal technicalindicators and trading-signals once their different Wilder seeds decay`, () => {
        // technicalindicators starts the Wilder sums from the first p values (TA-Lib: p − 1, then one
        // smoothing step); trading-signals starts them with SMAs from bar 0. The recursion is the same.
        const ours = adx(b.high, b.low, b.close, p);
        const from = Math.ceil((Math.log(1e-13) / Math.log(1 - 1 / p)) * 2) + 2 * p;
        const t = ti.adx({ ...hlc, period: p });
        expectSeriesClose(ours.adx, align(n, t.map((r) => r.adx), 2 * p - 1), { from, abs: 1e-8, label: 'ti adx' });
        expectSeriesClose(ours.plusDi, align(n, t.map((r) => r.pdi), 2 * p - 1), { from, abs: 1e-8, label: 'ti +di' });
        const a = new ADX(p);
        const tsAdx = Float64Array.from(cs, (c) => a.add(c) ?? NaN);
        expectSeriesClose(ours.adx, tsAdx, { from, abs: 1e-8, label: 'ts adx' });
      });
      it(`seed ${seed} period ${p}: Aroon equals trading-signals`, () => {
        const ar = new Aroon(p);
        const up = new Float64Array(n).fill(NaN);
        const down = new Float64Array(n).fill(NaN);
        cs.forEach((c, i) => {
          const r = ar.add(c);
          if (r) {
            up[i] = r.aroonUp;
            down[i] = r.aroonDown;
          }
        });
        const ours = aroon(b.high, b.low, p);
        expectSeriesClose(ours.up, up, { abs: 1e-12, label: 'ts up' });
        expectSeriesClose(ours.down, down, { abs: 1e-12, label: 'ts down' });
      });
    }
    it(`seed ${seed}: SuperTrend(10, 3) equals trading-signals once its ATR seed (one bar earlier, TR[0] = high − low) has decayed`, () => {
      const st = new SuperTrend({ interval: 10, multiplier: 3 });
      const line = new Float64Array(n).fill(NaN);
      const dir = new Float64Array(n).fill(NaN);
      cs.forEach((c, i) => {
        const r = st.add(c);
        if (r) {
          line[i] = r.supertrend;
          dir[i] = r.trend === 'BULLISH' ? 1 : -1;
        }
      });
      const ours = superTrend(b.high, b.low, b.close);
      expectSeriesClose(ours.line, line, { from: 800, rel: 1e-9, label: 'ts line' });
      expectSeriesClose(ours.direction, dir, { from: 800, rel: 0, label: 'ts dir' });
    });
    it(`seed ${seed}: Ichimoku equals technicalindicators where it reports (from bar 51)`, () => {
      const t = ti.ichimokucloud({ high: hlc.high, low: hlc.low, conversionPeriod: 9, basePeriod: 26, spanPeriod: 52, displacement: 26 });
      const ours = ichimoku(b.high, b.low);
      expectSeriesClose(ours.tenkan, align(n, t.map((r) => r.conversion), 51), { from: 51, rel: 0, label: 'conversion' });
      expectSeriesClose(ours.kijun, align(n, t.map((r) => r.base), 51), { from: 51, rel: 0, label: 'base' });
      expectSeriesClose(ours.senkouA, align(n, t.map((r) => r.spanA), 51), { from: 51, rel: 0, label: 'spanA' });
      expectSeriesClose(ours.senkouB, align(n, t.map((r) => r.spanB), 51), { from: 51, rel: 0, label: 'spanB' });
    });
  }
});

describe('hand-worked values', () => {
  it('Parabolic SAR on five bars, by hand from Wilder’s rules', () => {
    const high = Float64Array.from([10, 11, 12, 11.5, 9]);
    const low = Float64Array.from([9, 10, 10.5, 10, 8]);
    // bar 1: no −DM → long, SAR = low[0] = 9, EP = 11; next 9 + 0.02·2 = 9.04
    // bar 2: new high 12 → AF 0.04; next 9.04 + 0.04·(12 − 9.04) = 9.1584
    // bar 3: next 9.1584 + 0.04·(12 − 9.1584) = 9.272064; bar 4: low 8 penetrates → short at EP 12
    expectSeriesClose(parabolicSar(high, low), [NaN, 9, 9.04, 9.1584, 12], { rel: 1e-12 });
  });
  it('Aroon(2): highest high two bars ago → up 0; lowest low now → down 100; ties go to the latest bar', () => {
    const r = aroon(Float64Array.from([5, 3, 3]), Float64Array.from([2, 2, 1]), 2);
    expect(Array.from(r.up)).toEqual([NaN, NaN, 0]);
    expect(Array.from(r.down)).toEqual([NaN, NaN, 100]);
    const t = aroon(Float64Array.from([5, 5, 4]), Float64Array.from([1, 1, 2]), 2);
    expect(Array.from(t.up)).toEqual([NaN, NaN, 50]);
  });
  it('ADX holds its value on a bar without directional movement (TA-Lib)', () => {
    // period 1: bar 1 moves up (DX 100); bar 2 is an inside bar (no +DM or −DM): ADX stays 100, not 0
    const r = adx(Float64Array.from([10, 12, 11]), Float64Array.from([9, 9, 10]), Float64Array.from([10.5, 11, 10.5]), 1);
    expectSeriesClose(r.adx, [NaN, 100, 100]);
    expectSeriesClose(r.plusDi, [NaN, 200 / 3, 0]);
  });
  it('ADX(1): DI straight from one bar’s moves; ADX = DX', () => {
    // bar 1: up move 2, down move −1 → +DM 2, TR max(3, |12 − 10.5|, |9 − 10.5|) = 3 → +DI 66.67, −DI 0, DX 100
    const r = adx(Float64Array.from([10, 12]), Float64Array.from([9, 9]), Float64Array.from([10.5, 11]), 1);
    expectSeriesClose(r.plusDi, [NaN, 200 / 3]);
    expectSeriesClose(r.minusDi, [NaN, 0]);
    expectSeriesClose(r.adx, [NaN, 100]);
  });
});

describeShared('trend indicators on real data', () => {
  for (const file of ['btc-usd_1h.csv', 'goog_1d.csv']) {
    it(`${file}: ADX, Aroon, SAR, SuperTrend, Ichimoku equal the naive references`, () => {
      const b: Ohlcv = readSharedCsv(file);
      const a = adx(b.high, b.low, b.close);
      const r = refAdx(b, 14);
      expectSeriesClose(a.adx, r.adx, { abs: 1e-9, label: 'adx' });
      expectSeriesClose(a.plusDi, r.plusDi, { abs: 1e-9, label: '+di' });
      const ar = aroon(b.high, b.low, 25);
      expectSeriesClose(ar.oscillator, refAroon(b, 25).oscillator, { abs: 1e-12, label: 'aroon' });
      expectSeriesClose(parabolicSar(b.high, b.low), refSar(b), { label: 'sar' });
      const st = superTrend(b.high, b.low, b.close);
      expectSeriesClose(st.line, refSuperTrend(b, 10, 3).line, { rel: 0, label: 'supertrend' });
      const ich = ichimoku(b.high, b.low);
      expectSeriesClose(ich.senkouB, b.high.map((_, i) => mid(b, i, 52)), { rel: 0, label: 'senkouB' });
    });
  }
});
