import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkBars } from '../src/data/synthetic.js';
import { barAt } from '../src/live/history.js';
import { paperRunner } from '../src/live/paper-run.js';
import { runParity } from '../src/live/parity.js';
import { ReplayFeed } from '../src/live/replay-feed.js';
import { runPaperSession } from '../src/live/session.js';
import { builtinStrategy } from '../src/strategies/registry.js';
import { computeFeatures, featurePipeline, toMatrix } from '../src/ml/features.js';
import { forwardReturn } from '../src/ml/labels.js';
import { trainModel } from '../src/ml/models/index.js';
import { exportOnnx } from '../src/ml/onnx/export.js';
import { predictModel } from '../src/ml/predict.js';
import { defineModelStrategy } from '../src/ml/strategy.js';
import { float, text } from '../src/strategies/params.js';
import { onsets } from '../src/strategies/signals.js';
import type { AnyStrategy } from '../src/strategies/define.js';
import { check, report, type Measurement } from './harness.js';

const smaCross = builtinStrategy('sma-cross')!;

/** The two figures: closed bar -> order at the broker with 100,000 bars of history; a 20,000-bar replay. */
export async function liveBenchmarks(): Promise<Measurement[]> {
  const rows: Measurement[] = [];

  // Latency: a runner holding 100,000 bars steps through 400 more; each step is timed (signals over the whole
  // history, the engine's decision, the risk guard, the journal entry written, the order at the paper broker).
  const bars = benchmarkBars(100_400);
  rows.push(await barLatency('sma-cross', bars, smaCross, { fast: 10, slow: 50 }, 100_000));
  // The same with a model strategy (8 features, a logistic model through onnxruntime): the model runs on the new
  // bar only; the features are computed over the whole history, as signals() sees it.
  const { strategy, model } = modelStrategy(bars);
  for (const history of [10_000, 100_000]) rows.push(await barLatency('a logistic model on 8 features', bars, strategy, { model }, history));

  // A 20,000-bar replay end to end through rrr paper's session: CSV read, runner, paper broker, journal file.
  const dir = mkdtempSync(join(tmpdir(), 'rrr-bench-live-'));
  const replay = benchmarkBars(20_000);
  const csv = ['time,open,high,low,close,volume'];
  for (let t = 0; t < replay.length; t++) csv.push(`${new Date(replay.time[t]).toISOString()},${replay.open[t]},${replay.high[t]},${replay.low[t]},${replay.close[t]},${replay.volume[t]}`);
  const file = join(dir, 'bars.csv');
  writeFileSync(file, csv.join('\n'));
  const db = join(dir, '.rrr', 'rrr.duckdb');
  const t0 = performance.now();
  const run = await runPaperSession({ db, job: { strategy: 'sma-cross', files: [file], db, sim: { feeRate: 0.001 } } });
  const ms = performance.now() - t0;
  check(run.bars === 20_000 && run.status.fills > 0, `the replay saw ${run.bars} bars`);
  rows.push({ name: '20,000-bar replay through rrr paper (session, runner, paper broker, journal)', medianMs: ms, minMs: ms, runs: 1, note: `${run.status.fills} fills` });
  const parity = await runParity({ strategy: smaCross, periodsPerYear: 525_600, bars: replay, sim: { feeRate: 0.001 } });
  check(parity.identical, 'the replay differs from the backtest');

  report('Paper and live runner', rows);
  return rows;
}

/** Per-bar time of a runner holding `history` bars as it steps through 400 more. */
async function barLatency(label: string, bars: ReturnType<typeof benchmarkBars>, strategy: AnyStrategy, params: Record<string, unknown>, history: number): Promise<Measurement> {
  const spec = { runId: 'bench', strategy, params, periodsPerYear: 525_600, symbol: 'BENCH', timeframe: '1m' };
  let lines = 0;
  const runner = paperRunner(spec, new ReplayFeed(bars, { from: history + 400 }), { append: (e) => void (lines += JSON.stringify(e).length) });
  for (let t = 0; t < history; t++) runner.history.append(barAt(bars, t));
  // The first step runs the model over the whole history: not what a running runner pays per bar.
  await runner.step(barAt(bars, history));
  const times: number[] = [];
  const orderTimes: number[] = [];
  let ordered = 0;
  for (let t = history + 1; t < history + 400; t++) {
    const before = runner['orders' as keyof typeof runner] as unknown as number;
    const t0 = performance.now();
    await runner.step(barAt(bars, t));
    const ms = performance.now() - t0;
    times.push(ms);
    if ((runner['orders' as keyof typeof runner] as unknown as number) > before) {
      ordered++;
      orderTimes.push(ms);
    }
  }
  check(ordered > 0 && lines > 0, `the latency run of ${label} sent no order`);
  times.sort((a, b) => a - b);
  return { name: `closed bar -> order at the paper broker, ${history / 1000}k bars of history, ${label} (per bar)`, medianMs: times[times.length >> 1], minMs: times[0], runs: times.length, note: `p99 ${times[Math.floor(times.length * 0.99)].toFixed(2)} ms; the ${ordered} bars that sent an order: max ${Math.max(...orderTimes).toFixed(2)} ms` };
}

/** A logistic model of the next bar's direction on 8 features, trained on the first 5,000 bars, as a strategy. */
function modelStrategy(bars: ReturnType<typeof benchmarkBars>): { strategy: AnyStrategy; model: string } {
  const pipeline = featurePipeline(['ret:1', 'ret:5', 'ret:20', 'vol:20', 'zscore:20', 'rsi:14', 'ret:1@1', 'ret:1@2']);
  const columns = computeFeatures(pipeline, bars);
  const from = pipeline.lookback;
  const rows = 5_000 - from;
  const y = forwardReturn(bars.close, 1).map((r) => (r > 0 ? 1 : 0));
  const fitted = trainModel('logistic', Float64Array.from(toMatrix(columns, rows, from)), y.subarray(from, 5_000), rows, pipeline.names.length);
  const model = join(mkdtempSync(join(tmpdir(), 'rrr-bench-model-')), 'direction.onnx');
  writeFileSync(model, exportOnnx(fitted, pipeline.names));
  // Above and below the median prediction: the strategy trades often enough to time orders.
  const all = predictModel(model, pipeline, bars).filter(Number.isFinite).sort();
  const median = all[all.length >> 1];
  const strategy = defineModelStrategy({
    name: 'bench-model',
    features: pipeline,
    params: { model: text(model, 'the ONNX model'), enter: float(median, { min: 0, max: 1 }) },
    warmup: () => pipeline.lookback,
    signals: (b, p) => {
      const probability = predictModel(p.model, pipeline, b);
      return { entries: onsets((i) => probability[i] > p.enter, b.length), exits: onsets((i) => probability[i] <= p.enter, b.length) };
    },
  });
  return { strategy, model };
}
