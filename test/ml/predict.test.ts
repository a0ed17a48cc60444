import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBars, sliceBars } from '../../src/data/bars.js';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { computeFeatures, featurePipeline, toMatrix } from '../../src/ml/features.js';
import { forwardReturn } from '../../src/ml/labels.js';
import { trainModel } from '../../src/ml/models/index.js';
import { exportOnnx } from '../../src/ml/onnx/export.js';
import { openSession } from '../../src/ml/inference.js';
import { clearPredictionCache, predictModel, predictionCacheStats } from '../../src/ml/predict.js';
import { strategyFeatures, type ModelStrategy } from '../../src/ml/strategy.js';
import { runTrial } from '../../src/research/sweep/in-thread.js';

const dir = mkdtempSync(join(tmpdir(), 'rrr-predict-'));
const bars = benchmarkBars(600, 21);

/** A model on these features, trained on the first 300 bars' next-bar direction. */
function modelFile(names: readonly string[], name: string): string {
  const pipeline = featurePipeline(names);
  const columns = computeFeatures(pipeline, bars);
  const y = forwardReturn(bars.close, 1);
  const from = pipeline.lookback;
  const rows = 300 - from;
  const x = Float64Array.from(toMatrix(columns, rows, from));
  const model = trainModel('logistic', x, y.subarray(from, 300), rows, names.length);
  const path = join(dir, name);
  writeFileSync(path, exportOnnx(model, names, { 'rrr.createdAt': new Date().toISOString() }));
  return path;
}

describe('predictions inside a strategy (synchronous, batched, cached)', () => {
  const names = ['ret:1', 'ret:5', 'vol:20', 'rsi:14'];
  const pipeline = featurePipeline(names);
  const path = modelFile(names, 'direction.onnx');

  it("equal onnxruntime's batched predictions on the same features, NaN during the warm-up", async () => {
    clearPredictionCache();
    const sync = predictModel(path, pipeline, bars);
    const session = await openSession(path);
    const batched = await session.predict(computeFeatures(pipeline, bars));
    await session.close();
    expect(Array.from(sync)).toEqual(Array.from(batched));
    expect(sync[pipeline.lookback - 1]).toBeNaN();
    expect(sync[pipeline.lookback]).toBeGreaterThan(0);
    expect(predictionCacheStats()).toEqual({ hits: 0, misses: 1, extended: 0 });
    predictModel(path, pipeline, bars);
    expect(predictionCacheStats()).toEqual({ hits: 1, misses: 1, extended: 0 });
  });

  it('a growing history (a live runner) runs the model on the new bars only, with the values of a whole run', () => {
    clearPredictionCache();
    const whole = predictModel(path, pipeline, bars);
    clearPredictionCache();
    const n = bars.length;
    const start = pipeline.lookback + 10;
    let last: Float64Array = new Float64Array(0);
    for (let end = start; end <= n; end += end < start + 5 ? 1 : 37) last = predictModel(path, pipeline, sliceBars(bars, 0, end));
    if (last.length !== n) last = predictModel(path, pipeline, bars);
    expect(predictionCacheStats().misses).toBe(1);
    expect(predictionCacheStats().extended).toBeGreaterThan(5);
    // One row through onnxruntime may take another GEMM path than a batch: equal to float32 rounding.
    for (let t = 0; t < n; t++) {
      if (Number.isNaN(whole[t])) expect(last[t]).toBeNaN();
      else expect(Math.abs(last[t] - whole[t])).toBeLessThan(1e-6);
    }
    // A history that does not extend the last one (a changed bar) is run whole again.
    const copy = (c: Float64Array) => c.slice();
    const changed = makeBars({ time: copy(bars.time), open: copy(bars.open), high: copy(bars.high), low: copy(bars.low), close: copy(bars.close), volume: copy(bars.volume) });
    changed.close[n - 50] *= 1.01;
    predictModel(path, pipeline, changed);
    expect(predictionCacheStats().misses).toBe(2);
  });

  it('refuses, in one sentence, a model trained on other features', () => {
    expect(() => predictModel(path, featurePipeline(['ret:1', 'ret:5', 'vol:20', 'rsi:7']), bars)).toThrow(/was trained on features ret:1, ret:5, vol:20, rsi:14 but the strategy computes ret:1, ret:5, vol:20, rsi:7/);
  });

  it('examples/ml-strategy.ts: a sweep over enter/exit runs the model once (cache hits), and the trials differ', async () => {
    const source = readFileSync(resolve('examples/ml-strategy.ts'), 'utf8').replace(/from 'rrr-backtest'/g, `from '${resolve('test/fixtures/ml/library.ts')}'`);
    const file = join(dir, 'ml-strategy.ts');
    writeFileSync(file, source);
    const strategy = ((await import(file)) as { default: ModelStrategy }).default;
    const pipelineOfExample = strategyFeatures(strategy)!;
    expect(pipelineOfExample.names).toContain('rsi:14');
    const model = modelFile(pipelineOfExample.names, 'example.onnx');
    clearPredictionCache();
    const spec = { strategy: file, sim: {}, periodsPerYear: 252, pboSplits: 0, metrics: ['totalReturnPct', 'tradeCount'] as const };
    const outputs = [];
    let number = 0;
    for (const enter of [0.5, 0.52, 0.55]) {
      for (const exit of [0.45, 0.5]) {
        outputs.push(runTrial(strategy, [bars], { ...spec, metrics: [...spec.metrics] }, { from: 0, to: bars.length }, { number: number++, params: { model, enter, exit } }));
      }
    }
    expect(outputs.every((o) => o.error === undefined)).toBe(true);
    expect(predictionCacheStats()).toEqual({ hits: 5, misses: 1, extended: 0 });
    const distinct = new Set(outputs.map((o) => `${o.metrics.totalReturnPct}:${o.metrics.tradeCount}`));
    expect(distinct.size).toBeGreaterThan(2);
  });
});
