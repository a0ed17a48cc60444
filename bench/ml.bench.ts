/**
 * Models (issue 13, "Speed"): training logistic regression on 1,000,000 rows x 20 features (target under
 * 2 s), batched inference of the same rows through rrr's default MLP exported to ONNX (target under 300 ms on
 * 2 cores) and one row at a time, as a live runner asks (target under 1 ms).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sliceBars } from '../src/data/bars.js';
import { benchmarkBars, mulberry32 } from '../src/data/synthetic.js';
import { featurePipeline } from '../src/ml/features.js';
import { openSession } from '../src/ml/inference.js';
import { scoreModel, trainModel } from '../src/ml/models/index.js';
import { exportOnnx } from '../src/ml/onnx/export.js';
import { trainOnDataset } from '../src/ml/train.js';
import { built, check, measure, report, type Measurement } from './harness.js';

const ROWS = 1_000_000;
const F = 20;

/** Features on different scales and offsets, and a label with a linear signal plus logistic-sized noise. */
function sample(rows: number, seed: number): { x: Float64Array; y: Float64Array; columns: Float64Array[] } {
  const rand = mulberry32(seed);
  const x = new Float64Array(rows * F);
  for (let k = 0; k < x.length; k++) x[k] = (rand() - 0.5) * (1 + (k % F) / 4) + (k % F);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < F; j++) z += (j % 3 === 0 ? 1 : -0.5) * (x[i * F + j] - j);
    y[i] = z + 2 * (rand() - 0.5) > 0 ? 1 : -1;
  }
  const columns = Array.from({ length: F }, (_, j) => Float64Array.from({ length: rows }, (_, i) => x[i * F + j]));
  return { x, y, columns };
}

/** The penalised log-likelihood's gradient at the fit, largest component, relative to the rows: ~0 at the optimum. */
function gradientAtFit(x: Float64Array, y: Float64Array, weights: readonly number[], bias: number, l2: number): number {
  const g = new Float64Array(F + 1);
  for (let i = 0; i < ROWS; i++) {
    let z = bias;
    for (let j = 0; j < F; j++) z += weights[j] * x[i * F + j];
    const r = (y[i] > 0 ? 1 : 0) - 1 / (1 + Math.exp(-z));
    for (let j = 0; j < F; j++) g[j] += r * x[i * F + j];
    g[F] += r;
  }
  for (let j = 0; j < F; j++) g[j] -= l2 * weights[j];
  return Math.max(...Array.from(g, Math.abs)) / ROWS;
}

export async function mlBenchmarks(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const { x, y, columns } = sample(ROWS, 13);

  // (a) Training, as `rrr ml train --model logistic` calls it (normalisation fitted on the rows, then the solver).
  const logistic = trainModel('logistic', x, y, ROWS, F);
  const fitted = logistic.params;
  check(fitted.kind === 'logistic', 'a logistic model');
  if (fitted.kind === 'logistic') {
    // The solver works on standardised rows: the gradient there vanishes at its optimum.
    const z = new Float64Array(ROWS * F);
    for (let i = 0; i < ROWS; i++) for (let j = 0; j < F; j++) z[i * F + j] = (x[i * F + j] - logistic.normalization.mean[j]) / logistic.normalization.std[j];
    const worst = gradientAtFit(z, y, fitted.weights, fitted.bias, 1e-4 * ROWS);
    check(worst < 1e-12, `the logistic fit is at the optimum (gradient ${worst} x rows)`);
  }
  rows.push(await measure(`train logistic, ${ROWS.toLocaleString('en')} x ${F} (trainModel)`, () => trainModel('logistic', x, y, ROWS, F), { runs: 5, warmup: 1, note: 'target < 2 s' }));
  const dataset = { time: Float64Array.from({ length: ROWS }, (_, i) => i * 60_000), featureNames: Array.from({ length: F }, (_, j) => `ret:${j + 1}`), features: columns, labelNames: ['fwd_1'], labels: [y] };
  rows.push(await measure(`the same through trainOnDataset (row selection and drift profile included)`, () => trainOnDataset(dataset, 'logistic', 'fwd_1', undefined), { runs: 3, warmup: 1 }));

  // (b) Batched inference of the default MLP (hidden 16, 8), trained briefly on a slice: its speed does not
  // depend on the weights. Checked against rrr's own forward pass first.
  const dir = mkdtempSync(join(tmpdir(), 'rrr-bench-ml-'));
  const mlp = trainModel('mlp', x.subarray(0, 20_000 * F), y.subarray(0, 20_000), 20_000, F, { seed: 1, mlp: { epochs: 2 } });
  const path = join(dir, 'mlp.onnx');
  const names = dataset.featureNames;
  writeFileSync(path, exportOnnx(mlp, names));
  const session = await openSession(path);
  const predictions = await session.predict(columns);
  const mine = scoreModel(mlp, x, ROWS, F);
  let worst = 0;
  for (let i = 0; i < ROWS; i++) worst = Math.max(worst, Math.abs(predictions[i] - mine[i]));
  check(worst < 1e-6, `onnxruntime agrees with rrr's MLP (worst ${worst})`);
  rows.push(await measure(`MLP ${F}-16-8-1 via onnxruntime, ${ROWS.toLocaleString('en')} rows (openSession().predict)`, () => session.predict(columns), { runs: 7, warmup: 2, note: 'target < 300 ms' }));

  // The path a backtest takes: predictModel computes the features and runs the model in its thread. Built
  // modules, so the thread loads JavaScript as the CLI's does; the cache is cleared so each run runs the model.
  const predict = await built<typeof import('../src/ml/predict.js')>('ml/predict.js');
  const features = await built<typeof import('../src/ml/features.js')>('ml/features.js');
  const pipeline = features.featurePipeline(['ret:1', 'ret:2', 'ret:5', 'ret:10', 'ret:20', 'vol:10', 'vol:20', 'vol:50', 'zscore:10', 'zscore:20', 'zscore:50', 'volz:20', 'rsi:7', 'rsi:14', 'sma:10', 'sma:50', 'ema:10', 'ema:50', 'atr:14', 'range']);
  const bars = benchmarkBars(ROWS + pipeline.lookback);
  const barsModel = join(dir, 'mlp-bars.onnx');
  writeFileSync(barsModel, exportOnnx(mlp, pipeline.names));
  const viaThread = predict.predictModel(barsModel, pipeline, bars);
  const direct = await (await openSession(barsModel)).predict(features.computeFeatures(pipeline, bars));
  check(viaThread.every((v, i) => (Number.isNaN(v) ? Number.isNaN(direct[i]) : v === direct[i])), 'predictModel gives what the session gives');
  rows.push(await measure(`  computeFeatures alone, ${pipeline.names.length} features over ${bars.length.toLocaleString('en')} bars`, () => features.computeFeatures(pipeline, bars), { runs: 3, warmup: 1 }));
  rows.push(
    await measure(
      `  predictModel, the same bars (features, fingerprint, thread, model)`,
      () => {
        predict.clearPredictionCache();
        return predict.predictModel(barsModel, pipeline, bars);
      },
      { runs: 5, warmup: 1 },
    ),
  );

  // (c) One row: the live case, one session.run of a single row.
  const one = columns.map((c) => c.subarray(ROWS - 1));
  const single = await session.predict(one);
  check(Math.abs(single[0] - mine[ROWS - 1]) < 1e-6, 'one row gives the batched prediction');
  const times: number[] = [];
  for (let k = 0; k < 2_000; k++) {
    const row = columns.map((c) => c.subarray(k, k + 1));
    const t0 = performance.now();
    await session.predict(row);
    if (k >= 200) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  rows.push({ name: 'MLP via onnxruntime, one row (openSession().predict), per call', medianMs: times[times.length >> 1], minMs: times[0], runs: times.length, note: `p99 ${times[Math.floor(times.length * 0.99)].toFixed(3)} ms; target < 1 ms` });
  await session.close();

  // A live runner asking predictModel on every new bar with 1,000 bars of history: features, thread, model.
  const HISTORY = 1_000;
  const first = sliceBars(bars, 0, HISTORY);
  const expected = await (await openSession(barsModel)).predict(features.computeFeatures(pipeline, first));
  check(predict.predictModel(barsModel, pipeline, first)[HISTORY - 1] === expected[HISTORY - 1], 'predictModel on a window gives what the session gives');
  const live: number[] = [];
  for (let k = 1; k <= 400; k++) {
    const window = sliceBars(bars, k, k + HISTORY);
    const t0 = performance.now();
    const p = predict.predictModel(barsModel, pipeline, window);
    if (k > 50) live.push(performance.now() - t0);
    check(p[HISTORY - 1] > 0 && p[HISTORY - 1] < 1, 'a probability for the new bar');
  }
  live.sort((a, b) => a - b);
  rows.push({ name: `  predictModel over ${HISTORY.toLocaleString('en')} bars of history, one new bar per call`, medianMs: live[live.length >> 1], minMs: live[0], runs: live.length, note: `p99 ${live[Math.floor(live.length * 0.99)].toFixed(3)} ms` });

  rmSync(dir, { recursive: true, force: true });
  report('Models (issue 13): logistic training < 2 s, batched MLP inference < 300 ms, one row < 1 ms', rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await mlBenchmarks();
