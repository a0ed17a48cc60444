import { describe, expect, it } from 'vitest';
import * as ti from 'technicalindicators';
import { getLinearRegression, getZScore } from 'trading-signals';
import { mulberry32 } from '../../src/data/synthetic.js';
import {
  linearRegressionSlope,
  rollingMax,
  rollingMin,
  rollingRank,
  rollingStd,
  rollingStdInto,
  zScore,
} from '../../src/indicators/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { maxSlopeError, talibSlope } from './exact-slope.js';
import { align, expectSeriesClose, randomOhlcv } from './helpers.js';

function windows(x: Float64Array, w: number, f: (win: number[], last: number) => number): Float64Array {
  return x.map((v, i) => (i < w - 1 ? NaN : f(Array.from(x.subarray(i - w + 1, i + 1)), v)));
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[], ddof = 0) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - ddof));
};
function refSlope(a: number[]): number {
  const n = a.length;
  const tm = (n - 1) / 2;
  const ym = mean(a);
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    num += (t - tm) * (a[t] - ym);
    den += (t - tm) ** 2;
  }
  return num / den;
}

describe('rolling statistics against naive references', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const b = randomOhlcv(seed, 260, { tick: seed === 3 ? 0.5 : 0 });
    const x = b.close;
    for (const w of [1, 2, 3, 10, 20, 64, 259, 260, 500]) {
      it(`seed ${seed} window ${w}: std (ddof 0/1), z-score, min, max, rank, slope`, () => {
        const scale = 1e-12 * 200; // σ and slope can be ~0 next to a price level of ~100
        expectSeriesClose(rollingStd(x, w), windows(x, w, (a) => std(a)), { abs: scale, label: 'std' });
        if (w > 1) expectSeriesClose(rollingStd(x, w, 1), windows(x, w, (a) => std(a, 1)), { abs: scale, label: 'std ddof1' });
        const z = windows(x, w, (a, v) => {
          const s = std(a);
          return s === 0 ? 0 : (v - mean(a)) / s;
        });
        expectSeriesClose(zScore(x, w), z, { abs: 1e-7, label: 'z' });
        expectSeriesClose(rollingMin(x, w), windows(x, w, (a) => Math.min(...a)), { rel: 0, label: 'min' });
        expectSeriesClose(rollingMax(x, w), windows(x, w, (a) => Math.max(...a)), { rel: 0, label: 'max' });
        if (w >= 2) {
          const rank = windows(x, w, (a, v) => (100 * a.slice(0, -1).filter((u) => u <= v).length) / (w - 1));
          expectSeriesClose(rollingRank(x, w), rank, { rel: 1e-12, label: 'rank' });
          expectSeriesClose(linearRegressionSlope(x, w), windows(x, w, refSlope), { abs: scale, label: 'slope' });
        }
      });
    }
  }
});

describe('rolling statistics against technicalindicators and trading-signals', () => {
  const b = randomOhlcv(61, 500);
  const x = b.close;
  const arr = Array.from(x);
  for (const w of [2, 10, 30]) {
    it(`window ${w}: std = technicalindicators SD; min/max = its lowest/highest; z-score and slope = trading-signals`, () => {
      expectSeriesClose(rollingStd(x, w), align(x.length, ti.sd({ period: w, values: arr }), w - 1), { abs: 1e-10, label: 'sd' });
      expectSeriesClose(rollingMin(x, w), align(x.length, ti.lowest({ period: w, values: arr }), w - 1), { rel: 0, label: 'lowest' });
      expectSeriesClose(rollingMax(x, w), align(x.length, ti.highest({ period: w, values: arr }), w - 1), { rel: 0, label: 'highest' });
      const z = x.map((_, i) => (i < w - 1 ? NaN : getZScore(arr.slice(i - w + 1, i + 1))));
      expectSeriesClose(zScore(x, w), z, { abs: 1e-7, label: 'z' });
      const s = x.map((_, i) => (i < w - 1 ? NaN : getLinearRegression(arr.slice(i - w + 1, i + 1)).slope));
      expectSeriesClose(linearRegressionSlope(x, w), s, { abs: 1e-9, label: 'slope' });
    });
  }
});

describe('hand-worked values', () => {
  it('std of 2,4,4,4,5,5,7,9 is 2 (population) and √(32/7) (sample)', () => {
    const x = Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(rollingStd(x, 8)[7]).toBeCloseTo(2, 14);
    expect(rollingStd(x, 8, 1)[7]).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });
  it('z-score of a constant series is 0; rank ties count as at-or-below', () => {
    expect(Array.from(zScore(new Float64Array(4).fill(3), 2))).toEqual([NaN, 0, 0, 0]);
    expect(Array.from(rollingRank(Float64Array.from([1, 3, 3, 2, 5]), 3))).toEqual([NaN, NaN, 100, 0, 100]);
  });
  it('slope of 1, 3, 5, 7 is 2 per bar', () => {
    expectSeriesClose(linearRegressionSlope(Float64Array.from([1, 3, 5, 7]), 4), [NaN, NaN, NaN, 2]);
  });
  it('slope is exactly 0 on a window of identical values, after any history (so slope > 0 never fires on flat data)', () => {
    // a wavy rise, then flat at 101.37 from bar 37: running sums of the raw values left 3.2e-14 here
    const x = Float64Array.from({ length: 60 }, (_, i) => (i < 37 ? 100 + 7.3 * Math.sin(i) + i * 0.37 : 101.37));
    for (const p of [2, 14, 23]) {
      const s = linearRegressionSlope(x, p);
      for (let i = 37 + p - 1; i < 60; i++) expect(s[i], `period ${p} bar ${i}`).toBe(0);
    }
  });
  it('slope is exact on a straight line at a high price level, across many re-sums', () => {
    const x = Float64Array.from({ length: 400 }, (_, i) => 65_536 + i * 0.25);
    const s = linearRegressionSlope(x, 14);
    for (let i = 13; i < 400; i++) expect(s[i], `bar ${i}`).toBe(0.25);
  });
});

describe('float drift over 1,000,000 values', () => {
  it('rolling std stays within 1e-9 relative of two-pass per-window σ on a random walk at 50,000 with a 1000× level spike', () => {
    const n = 1_000_000;
    const rand = mulberry32(5);
    const x = new Float64Array(n);
    let p = 50_000;
    for (let i = 0; i < n; i++) {
      p *= 1 + (rand() - 0.5) * 0.01;
      x[i] = i >= 500_000 && i < 505_000 ? p * 1000 : p;
    }
    for (const w of [5, 50, 1000]) {
      const got = rollingStdInto(new Float64Array(n), x, w);
      let worst = 0;
      for (let i = w - 1; i < n; i += i > 495_000 && i < 510_000 ? 1 : 101) {
        let s = 0;
        for (let j = i - w + 1; j <= i; j++) s += x[j];
        const m = s / w;
        let q = 0;
        for (let j = i - w + 1; j <= i; j++) q += (x[j] - m) ** 2;
        const ref = Math.sqrt(q / w);
        const r = Math.abs(got[i] - ref) / ref;
        if (r > worst) worst = r;
      }
      expect(worst, `window ${w}`).toBeLessThan(1e-9);
    }
  });
});

describeShared('rolling statistics on real data', () => {
  for (const file of ['btc-usd_1h.csv', 'goog_1d.csv']) {
    it(`${file}: std, min, max, slope equal naive per-window references`, () => {
      const x = readSharedCsv(file).close;
      const scale = 1e-12 * Math.max(...x);
      for (const w of [20, 100]) {
        expectSeriesClose(rollingStd(x, w), windows(x, w, (a) => std(a)), { abs: scale, label: 'std' });
        expectSeriesClose(rollingMax(x, w), windows(x, w, (a) => Math.max(...a)), { rel: 0, label: 'max' });
        expectSeriesClose(rollingMin(x, w), windows(x, w, (a) => Math.min(...a)), { rel: 0, label: 'min' });
        expectSeriesClose(linearRegressionSlope(x, w), windows(x, w, refSlope), { abs: scale, label: 'slope' });
      }
    });
  }
});

describeShared('linearRegressionSlope on real data: exact on flat windows, at least as exact as TA-Lib', () => {
  it('btc-usd_1h.csv: the windows of 14 identical closes (the documented defect) give exactly 0', () => {
    const x = readSharedCsv('btc-usd_1h.csv').close;
    const s = linearRegressionSlope(x, 14);
    let flat = 0;
    for (let i = 13, run = 1; i < x.length; i++) {
      run = x[i] === x[i - 1] ? run + 1 : 1;
      if (run >= 14) {
        flat++;
        expect(s[i], `bar ${i}`).toBe(0);
      }
    }
    expect(flat).toBeGreaterThan(0);
  });

  for (const file of ['goog_1d.csv', 'btc-usd_1h.csv', 'eur-usd_1h.csv', 'ada-btc_5m.csv']) {
    it(`${file}: the largest error against the exact slope is at most TA-Lib's (periods 14 and 50)`, () => {
      const x = readSharedCsv(file).close;
      for (const p of [14, 50]) {
        const ours = maxSlopeError(x, p, linearRegressionSlope(x, p));
        const talib = maxSlopeError(x, p, talibSlope(x, p));
        expect(ours, `period ${p}: rrr ${ours} vs TA-Lib ${talib}`).toBeLessThanOrEqual(talib);
      }
    });
  }
});
