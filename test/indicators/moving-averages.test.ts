import { describe, expect, it } from 'vitest';
import * as ti from 'technicalindicators';
import { DEMA, EMA, HMA, KAMA, SMA, TEMA, WMA } from 'trading-signals';
import { dema, ema, hma, kama, sma, smaInto, tema, wma } from '../../src/indicators/index.js';
import { mulberry32 } from '../../src/data/synthetic.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { align, expectSeriesClose, randomOhlcv } from './helpers.js';

// ---- naive references, straight from the formulas (per-window loops, no running state) ----
function refSma(x: ArrayLike<number>, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = p - 1; i < x.length; i++) {
    let s = 0;
    for (let j = i - p + 1; j <= i; j++) s += x[j];
    out[i] = s / p;
  }
  return out;
}
/** EMA seeded with the SMA of the values [seedEnd − p + 1, seedEnd]; NaN inputs before that are skipped. */
function refEma(x: ArrayLike<number>, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  // first index where p consecutive non-NaN values end
  let run = 0;
  let i = 0;
  for (; i < x.length; i++) {
    run = Number.isNaN(x[i]) ? 0 : run + 1;
    if (run === p) break;
  }
  if (i >= x.length) return out;
  let s = 0;
  for (let j = i - p + 1; j <= i; j++) s += x[j];
  out[i] = s / p;
  const a = 2 / (p + 1);
  for (let j = i + 1; j < x.length; j++) out[j] = a * x[j] + (1 - a) * out[j - 1];
  return out;
}
function refWma(x: ArrayLike<number>, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = p - 1; i < x.length; i++) {
    let s = 0;
    let w = 0;
    for (let j = 0; j < p; j++) {
      s += (j + 1) * x[i - p + 1 + j];
      w += j + 1;
    }
    out[i] = s / w;
  }
  return out;
}
function refKama(x: ArrayLike<number>, p: number, fast = 2, slow = 30): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  if (x.length <= p) return out;
  const f = 2 / (fast + 1);
  const sl = 2 / (slow + 1);
  let prev = x[p - 1];
  for (let i = p; i < x.length; i++) {
    let vol = 0;
    for (let j = i - p + 1; j <= i; j++) vol += Math.abs(x[j] - x[j - 1]);
    const change = Math.abs(x[i] - x[i - p]);
    const er = vol === 0 ? 1 : change / vol;
    const sc = (er * (f - sl) + sl) ** 2;
    prev = prev + sc * (x[i] - prev);
    out[i] = prev;
  }
  return out;
}
const sub = (a: Float64Array, b: Float64Array, ka = 1, kb = 1) => a.map((v, i) => ka * v - kb * b[i]);

const seeds = [1, 2, 3, 4, 5, 6];
const periods = [1, 2, 3, 5, 8, 13, 21, 50, 199, 500];

describe('moving averages against naive references (random series, many periods, including longer than the data)', () => {
  for (const seed of seeds) {
    const b = randomOhlcv(seed, seed % 2 ? 300 : 257, { tick: seed === 3 ? 0.5 : 0 });
    for (const p of periods) {
      it(`seed ${seed} period ${p}`, () => {
        const x = b.close;
        expectSeriesClose(sma(x, p), refSma(x, p), { label: 'sma' });
        expectSeriesClose(ema(x, p), refEma(x, p), { label: 'ema' });
        expectSeriesClose(wma(x, p), refWma(x, p), { label: 'wma' });
        const e1 = refEma(x, p);
        const e2 = refEma(e1, p);
        const e3 = refEma(e2, p);
        expectSeriesClose(dema(x, p), sub(e1, e2, 2, 1), { label: 'dema' });
        expectSeriesClose(tema(x, p), e1.map((v, i) => 3 * v - 3 * e2[i] + e3[i]), { label: 'tema' });
        expectSeriesClose(kama(x, p), refKama(x, p), { label: 'kama' });
        expectSeriesClose(kama(x, p, 3, 20), refKama(x, p, 3, 20), { label: 'kama 3/20' });
        if (p >= 2) {
          const raw = sub(refWma(x, Math.floor(p / 2)), refWma(x, p), 2, 1);
          expectSeriesClose(hma(x, p), refWmaNaN(raw, Math.floor(Math.sqrt(p))), { label: 'hma' });
        }
      });
    }
  }
});

/** WMA over a series with a NaN warm-up: NaN wherever the window holds a NaN. */
function refWmaNaN(x: Float64Array, p: number): Float64Array {
  const out = refWma(x, p);
  for (let i = 0; i < x.length; i++) for (let j = Math.max(0, i - p + 1); j <= i; j++) if (Number.isNaN(x[j])) out[i] = NaN;
  return out;
}

describe('moving averages against technicalindicators and trading-signals', () => {
  for (const seed of [11, 12, 13]) {
    const b = randomOhlcv(seed, 700);
    const x = b.close;
    const arr = Array.from(x);
    for (const p of [2, 5, 14, 30]) {
      it(`seed ${seed} period ${p}: SMA, EMA, WMA match technicalindicators exactly aligned (SMA-seeded EMA)`, () => {
        expectSeriesClose(sma(x, p), align(x.length, ti.sma({ period: p, values: arr }), p - 1), { label: 'ti sma' });
        expectSeriesClose(ema(x, p), align(x.length, ti.ema({ period: p, values: arr }), p - 1), { label: 'ti ema' });
        expectSeriesClose(wma(x, p), align(x.length, ti.wma({ period: p, values: arr }), p - 1), { label: 'ti wma' });
      });
      it(`seed ${seed} period ${p}: SMA, WMA, HMA, KAMA match trading-signals; EMA/DEMA/TEMA once its first-price seed has decayed`, () => {
        const run = (ind: { add(v: number): number | null }) => Float64Array.from(arr, (v) => ind.add(v) ?? NaN);
        expectSeriesClose(sma(x, p), run(new SMA(p)), { label: 'ts sma' });
        expectSeriesClose(wma(x, p), run(new WMA(p)), { label: 'ts wma' });
        if (p >= 2) expectSeriesClose(hma(x, p), run(new HMA(p)), { label: 'ts hma' });
        // trading-signals emits KAMA's starting value x[p-1] one bar before TA-Lib's first output.
        const k = run(new KAMA(p));
        k[p - 1] = NaN;
        expectSeriesClose(kama(x, p), k, { label: 'ts kama' });
        // trading-signals seeds EMA with the first price instead of the SMA: identical recursion, so the
        // two differ by (1 − α)^t · (seed difference); compare after that has decayed below 1e-12.
        const from = Math.ceil(Math.log(1e-13) / Math.log(1 - 2 / (p + 1))) * 3 + 3 * p;
        expectSeriesClose(ema(x, p), run(new EMA(p)), { from, label: 'ts ema' });
        expectSeriesClose(dema(x, p), run(new DEMA(p)), { from, label: 'ts dema' });
        expectSeriesClose(tema(x, p), run(new TEMA(p)), { from, label: 'ts tema' });
      });
    }
  }
});

describe('hand-worked values', () => {
  const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
  it('SMA(3), EMA(3), WMA(3) of 1..6', () => {
    expect(Array.from(sma(x, 3))).toEqual([NaN, NaN, 2, 3, 4, 5]);
    // EMA(3): seed (1+2+3)/3 = 2, alpha 0.5: 3, 4, 5
    expect(Array.from(ema(x, 3))).toEqual([NaN, NaN, 2, 3, 4, 5]);
    // WMA(3) at 2: (1·1 + 2·2 + 3·3)/6 = 14/6
    expectSeriesClose(wma(x, 3), [NaN, NaN, 14 / 6, 20 / 6, 26 / 6, 32 / 6]);
  });
  it('EMA(2) of 2,4,8,8: seed 3, then 3 + 2/3·(8−3), ...', () => {
    const e = ema(Float64Array.from([2, 4, 8, 8]), 2);
    expectSeriesClose(e, [NaN, 3, 3 + (2 / 3) * 5, 3 + (2 / 3) * 5 + (2 / 3) * (8 - 3 - (2 / 3) * 5)]);
  });
  it('KAMA(2) of 1,2,3,5: first at index 2 from x[1], ER 1 on a straight run', () => {
    const k = kama(Float64Array.from([1, 2, 3, 5]), 2);
    const sc = (2 / 3) ** 2;
    const k2 = 2 + sc * (3 - 2);
    expectSeriesClose(k, [NaN, NaN, k2, k2 + sc * (5 - k2)]);
  });
  it('a window longer than the data gives all NaN', () => {
    expect(Array.from(sma(x, 7)).every(Number.isNaN)).toBe(true);
    expect(Array.from(ema(x, 10)).every(Number.isNaN)).toBe(true);
  });
  it('EMA restarts with a fresh SMA seed after a missing value', () => {
    const e = ema(Float64Array.from([1, 2, 3, NaN, 10, 20, 30]), 2);
    expectSeriesClose(e, [NaN, 1.5, 1.5 + (2 / 3) * 1.5, NaN, NaN, 15, 15 + (2 / 3) * 15]);
  });
});

describe('float drift over 1,000,000 values', () => {
  it('running-sum SMA stays within 1e-9 relative of per-window sums, across level shifts of 6 orders of magnitude', () => {
    const n = 1_000_000;
    const rand = mulberry32(99);
    const x = new Float64Array(n);
    let p = 50_000;
    for (let i = 0; i < n; i++) {
      p *= 1 + (rand() - 0.5) * 0.02;
      // a block of huge values then tiny ones stresses cancellation in a running sum
      x[i] = i >= 300_000 && i < 310_000 ? p * 1e3 : i >= 310_000 && i < 320_000 ? p * 1e-3 : p;
    }
    for (const period of [2, 10, 200, 5000]) {
      const got = smaInto(new Float64Array(n), x, period);
      let worst = 0;
      for (let i = period - 1; i < n; i += i > 290_000 && i < 330_000 ? 1 : 97) {
        let s = 0;
        for (let j = i - period + 1; j <= i; j++) s += x[j];
        const ref = s / period;
        const r = Math.abs(got[i] - ref) / Math.abs(ref);
        if (r > worst) worst = r;
      }
      expect(worst, `period ${period}`).toBeLessThan(1e-9);
    }
  });
});

describeShared('moving averages on real data', () => {
  for (const file of ['btc-usd_1h.csv', 'goog_1d.csv']) {
    it(`${file}: SMA/EMA/WMA/KAMA equal the naive references and technicalindicators`, () => {
      const bars = readSharedCsv(file);
      const x = bars.close;
      expect(x.length).toBeGreaterThan(2000);
      for (const p of [10, 50, 200]) {
        expectSeriesClose(sma(x, p), refSma(x, p), { label: `${file} sma ${p}` });
        expectSeriesClose(ema(x, p), refEma(x, p), { label: `${file} ema ${p}` });
        expectSeriesClose(wma(x, p), refWma(x, p), { label: `${file} wma ${p}` });
        expectSeriesClose(kama(x, p), refKama(x, p), { label: `${file} kama ${p}` });
        expectSeriesClose(ema(x, p), align(x.length, ti.ema({ period: p, values: Array.from(x) }), p - 1), { label: `${file} ti ema` });
      }
    });
  }
});
