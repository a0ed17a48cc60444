import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { makeBars, sliceBars, type Bars } from '../../src/data/bars.js';
import { computeFeatures, featurePipeline, fitNormalization, latestFeatures, normalize, parseFeature } from '../../src/ml/features.js';
import { buildDataset } from '../../src/ml/dataset.js';
import { parseLabels } from '../../src/ml/labels.js';

const ALL = ['ret:1', 'ret:5', 'vol:10', 'zscore:20', 'volz:10', 'rsi:14', 'sma:10', 'ema:12', 'atr:14', 'range', 'ret:1@3', 'rsi:14@2'];

/** The same bars with every bar after t replaced by other prices. */
function changedAfter(bars: Bars, t: number, seed: number): Bars {
  const other = benchmarkBars(bars.length, seed);
  const copy = (a: Float64Array, b: Float64Array) => Float64Array.from(a, (v, i) => (i > t ? b[i] * 1.7 : v));
  return makeBars({ time: bars.time.slice(), open: copy(bars.open, other.open), high: copy(bars.high, other.high), low: copy(bars.low, other.low), close: copy(bars.close, other.close), volume: copy(bars.volume, other.volume) });
}

describe('feature pipeline', () => {
  const bars = benchmarkBars(400, 3);
  const pipeline = featurePipeline(ALL);

  it('no feature at bar t uses bars after t: changing every later bar leaves rows 0..t identical', () => {
    const base = computeFeatures(pipeline, bars);
    for (const t of [30, 150, 398]) {
      const changed = computeFeatures(pipeline, changedAfter(bars, t, 99 + t));
      let later = 0;
      base.forEach((column, j) => {
        expect(Array.from(changed[j].subarray(0, t + 1)), `${pipeline.names[j]} up to ${t}`).toEqual(Array.from(column.subarray(0, t + 1)));
        if (t + 1 < bars.length && changed[j][t + 1] !== column[t + 1]) later++;
      });
      // The check can fail: the later rows did change.
      if (t < 398) expect(later).toBeGreaterThan(8);
    }
  });

  it('live features are the last row of the backtest features, by the same code', () => {
    const columns = computeFeatures(pipeline, bars);
    for (const t of [100, 250, 399]) {
      const live = latestFeatures(pipeline, sliceBars(bars, 0, t + 1));
      expect(Array.from(live)).toEqual(columns.map((c) => c[t]));
    }
  });

  it('computes returns, lags and range as defined (hand-worked on a small series)', () => {
    const close = Float64Array.from([100, 110, 99, 120, 108]);
    const b = makeBars({ time: Float64Array.from(close, (_, i) => i * 86_400_000), open: close, high: Float64Array.from(close, (c) => c + 2), low: Float64Array.from(close, (c) => c - 3), close, volume: new Float64Array(5).fill(1) });
    const [r1, r2, lag, range] = computeFeatures(featurePipeline(['ret:1', 'ret:2', 'ret:1@2', 'range']), b);
    expect(r1[0]).toBeNaN();
    expect(r1[3]).toBeCloseTo(Math.log(120 / 99), 15);
    expect(r2[4]).toBeCloseTo(Math.log(108 / 99), 15);
    expect(lag[2]).toBeNaN();
    expect(lag[4]).toBeCloseTo(Math.log(99 / 110), 15);
    expect(range[1]).toBeCloseTo(5 / 110, 15);
    // A live runner's first bars: fewer than the lag, every lagged value still undefined.
    const first = makeBars({ time: b.time.subarray(0, 2), open: close.subarray(0, 2), high: b.high.subarray(0, 2), low: b.low.subarray(0, 2), close: close.subarray(0, 2), volume: b.volume.subarray(0, 2) });
    expect(Array.from(computeFeatures(featurePipeline(['ret:1@2', 'ret:1@3']), first).flatMap((c) => Array.from(c)))).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('lookback is the first bar where every feature is defined', () => {
    const columns = computeFeatures(pipeline, bars);
    const firstDefined = Math.max(...columns.map((c) => c.findIndex((v) => !Number.isNaN(v))));
    expect(pipeline.lookback).toBe(firstDefined);
  });

  it('normalisation is frozen from the training rows: later rows do not move it', () => {
    const columns = computeFeatures(pipeline, bars);
    const norm = fitNormalization(columns, 50, 200);
    const changed = computeFeatures(pipeline, changedAfter(bars, 250, 7));
    expect(fitNormalization(changed, 50, 200)).toEqual(norm);
    // Hand check of one column: population mean and deviation of rows 50..199.
    const rows = Array.from(columns[0].subarray(50, 200));
    const mean = rows.reduce((a, b) => a + b, 0) / rows.length;
    const sd = Math.sqrt(rows.reduce((a, b) => a + (b - mean) ** 2, 0) / rows.length);
    expect(norm.mean[0]).toBeCloseTo(mean, 14);
    expect(norm.std[0]).toBeCloseTo(sd, 14);
    expect(normalize(columns, norm)[0][120]).toBeCloseTo((columns[0][120] - mean) / sd, 12);
  });

  it('refuses unknown, malformed and repeated features in one sentence', () => {
    expect(() => parseFeature('rsx:14')).toThrow(/^Feature "rsx:14" is not one rrr computes: use .*\. Did you mean "rsi"\?/);
    expect(() => parseFeature('zscore:1')).toThrow(/needs a whole window of 2 or more bars/);
    expect(() => parseFeature('ret')).toThrow(/needs a whole window/);
    expect(() => featurePipeline(['ret:1', 'ret:1'])).toThrow(/listed twice/);
    expect(() => featurePipeline([])).toThrow(/at least one feature/);
  });
});

describe('datasets: labels are never features', () => {
  const bars = benchmarkBars(300, 5);
  const pipeline = featurePipeline(['ret:1', 'ret:5', 'rsi:14']);

  it('feature columns do not depend on the labels asked for, and labels change with the future while features do not', () => {
    const a = buildDataset(pipeline, bars, parseLabels('forward:1,5'));
    const b = buildDataset(pipeline, bars, parseLabels('triple-barrier:up=0.02,down=0.02,horizon=10'));
    expect(a.features.map((c) => Array.from(c))).toEqual(b.features.map((c) => Array.from(c)));
    expect(a.labelNames.filter((n) => a.featureNames.includes(n))).toEqual([]);
    const t = 150;
    const changed = buildDataset(pipeline, changedAfter(bars, t, 11), parseLabels('forward:1,5'));
    const row = t - pipeline.lookback;
    expect(changed.features.map((c) => c[row])).toEqual(a.features.map((c) => c[row]));
    expect(changed.labels[0][row]).not.toBe(a.labels[0][row]);
  });
});
