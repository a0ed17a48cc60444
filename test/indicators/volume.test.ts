import { describe, expect, it } from 'vitest';
import * as ti from 'technicalindicators';
import { MFI, OBV } from 'trading-signals';
import { mfi, obv, rollingVwap } from '../../src/indicators/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { align, expectSeriesClose, randomOhlcv, type Ohlcv } from './helpers.js';

function refObv(b: Ohlcv): Float64Array {
  const out = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) {
    if (i === 0) out[i] = b.volume[0];
    else out[i] = out[i - 1] + Math.sign(b.close[i] - b.close[i - 1]) * b.volume[i];
  }
  return out;
}
function refMfi(b: Ohlcv, p: number): Float64Array {
  const tp = b.close.map((c, i) => (b.high[i] + b.low[i] + c) / 3);
  return tp.map((_, i) => {
    if (i < p) return NaN;
    let pos = 0;
    let neg = 0;
    for (let j = i - p + 1; j <= i; j++) {
      if (tp[j] > tp[j - 1]) pos += tp[j] * b.volume[j];
      if (tp[j] < tp[j - 1]) neg += tp[j] * b.volume[j];
    }
    return pos + neg === 0 ? 0 : (100 * pos) / (pos + neg);
  });
}
function refVwap(b: Ohlcv, w: number): Float64Array {
  return b.close.map((c, i) => {
    if (i < w - 1) return NaN;
    let pv = 0;
    let v = 0;
    for (let j = i - w + 1; j <= i; j++) {
      pv += ((b.high[j] + b.low[j] + b.close[j]) / 3) * b.volume[j];
      v += b.volume[j];
    }
    return pv / v;
  });
}
const candles = (b: Ohlcv) => Array.from(b.close, (c, i) => ({ open: b.open[i], high: b.high[i], low: b.low[i], close: c, volume: b.volume[i] }));

describe('volume indicators against naive references', () => {
  for (const seed of [1, 2, 3, 4]) {
    const b = randomOhlcv(seed, 250, { tick: seed === 2 ? 0.5 : 0 });
    it(`seed ${seed}: OBV`, () => {
      expectSeriesClose(obv(b.close, b.volume), refObv(b), { abs: 1e-9 });
    });
    for (const p of [1, 2, 5, 14, 50, 249, 250, 300]) {
      it(`seed ${seed} period ${p}: MFI and rolling VWAP`, () => {
        expectSeriesClose(mfi(b.high, b.low, b.close, b.volume, p), refMfi(b, p), { abs: 1e-9, label: 'mfi' });
        expectSeriesClose(rollingVwap(b.high, b.low, b.close, b.volume, p), refVwap(b, p), { label: 'vwap' });
      });
    }
  }
});

describe('volume indicators against technicalindicators and trading-signals', () => {
  for (const seed of [51, 52]) {
    const b = randomOhlcv(seed, 600);
    const n = b.length;
    const cs = candles(b);
    it(`seed ${seed}: OBV = technicalindicators and trading-signals plus volume[0] (they start at 0 on bar 1; TA-Lib at volume[0] on bar 0)`, () => {
      const ours = obv(b.close, b.volume);
      const shifted = ours.map((v) => v - b.volume[0]);
      shifted[0] = NaN;
      expectSeriesClose(shifted, align(n, ti.obv({ close: Array.from(b.close), volume: Array.from(b.volume) }), 1), { abs: 1e-9, label: 'ti' });
      const o = new OBV(2);
      const ts = Float64Array.from(cs, (c) => o.add(c) ?? NaN);
      expectSeriesClose(shifted, ts, { abs: 1e-9, label: 'ts' });
    });
    for (const p of [3, 14]) {
      it(`seed ${seed} period ${p}: MFI = trading-signals; technicalindicators to its 2-decimal rounding, one bar later`, () => {
        const m = new MFI(p);
        const ts = Float64Array.from(cs, (c) => m.add(c) ?? NaN);
        const ours = mfi(b.high, b.low, b.close, b.volume, p);
        expectSeriesClose(ours, ts, { abs: 1e-9, label: 'ts' });
        // technicalindicators ignores the first bar's typical price, so its first value is at bar p + 1
        const t = align(n, ti.mfi({ high: Array.from(b.high), low: Array.from(b.low), close: Array.from(b.close), volume: Array.from(b.volume), period: p }), p + 1);
        expectSeriesClose(ours, t, { from: p + 1, abs: 0.00500001, rel: 0, label: 'ti' });
      });
    }
    it(`seed ${seed}: rolling VWAP over the first k bars equals technicalindicators' cumulative VWAP at bar k − 1`, () => {
      const cum = ti.vwap({ high: Array.from(b.high), low: Array.from(b.low), close: Array.from(b.close), volume: Array.from(b.volume) });
      for (let k = 1; k <= 300; k++) {
        const r = rollingVwap(b.high, b.low, b.close, b.volume, k);
        expect(Math.abs(r[k - 1] - cum[k - 1]) / cum[k - 1], `k ${k}`).toBeLessThan(1e-12);
      }
    });
  }
});

describe('hand-worked values', () => {
  it('OBV: up adds, down subtracts, unchanged carries', () => {
    expect(Array.from(obv(Float64Array.from([1, 2, 2, 1]), Float64Array.from([10, 20, 30, 40])))).toEqual([10, 30, 30, -10]);
  });
  it('MFI(2): tp 1 → 2 (+2·5) → 1 (−1·5): 100·10/15', () => {
    const c = Float64Array.from([1, 2, 1]);
    expectSeriesClose(mfi(c, c, c, Float64Array.from([5, 5, 5]), 2), [NaN, NaN, (100 * 10) / 15]);
  });
  it('MFI is 0 when no money flowed (TA-Lib), even for tiny flows TA-Lib would zero (< 1)', () => {
    const c = Float64Array.from([1, 1, 1, 2]);
    const v = Float64Array.from([1, 1, 1, 1e-6]);
    expectSeriesClose(mfi(c, c, c, v, 2), [NaN, NaN, 0, 100]);
  });
  it('rolling VWAP is NaN over zero volume', () => {
    const c = Float64Array.from([1, 2, 3]);
    expect(Array.from(rollingVwap(c, c, c, Float64Array.from([0, 0, 2]), 2))).toEqual([NaN, NaN, 3]);
  });
});

describeShared('volume indicators on real data', () => {
  for (const file of ['btc-usd_1h.csv', 'goog_1d.csv']) {
    it(`${file}: OBV, MFI, rolling VWAP equal the naive references`, () => {
      const b: Ohlcv = readSharedCsv(file);
      expectSeriesClose(obv(b.close, b.volume), refObv(b), { rel: 1e-12, abs: 1e-6, label: 'obv' });
      expectSeriesClose(mfi(b.high, b.low, b.close, b.volume), refMfi(b, 14), { abs: 1e-9, label: 'mfi' });
      expectSeriesClose(rollingVwap(b.high, b.low, b.close, b.volume, 24), refVwap(b, 24), { label: 'vwap' });
    });
  }
});
