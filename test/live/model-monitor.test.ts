import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import type { Bars } from '../../src/data/bars.js';
import { featureDrift, featureProfile } from '../../src/ml/drift.js';
import { computeFeatures, featurePipeline, toMatrix } from '../../src/ml/features.js';
import { forwardReturn } from '../../src/ml/labels.js';
import { trainModel } from '../../src/ml/models/index.js';
import { exportOnnx } from '../../src/ml/onnx/export.js';
import { predictModel } from '../../src/ml/predict.js';
import { defineModelStrategy } from '../../src/ml/strategy.js';
import { checkModelParams } from '../../src/live/model-monitor.js';
import { paperRunner } from '../../src/live/paper-run.js';
import { ReplayFeed } from '../../src/live/replay-feed.js';
import { RiskGuard } from '../../src/live/risk-guard.js';
import type { RiskConfig } from '../../src/live/risk-config.js';
import { RunStateBuilder } from '../../src/live/run-state.js';
import { renderMetrics } from '../../src/live/status-server.js';
import type { DriftEntry, JournalEntry } from '../../src/live/types.js';
import { float, text } from '../../src/strategies/params.js';
import { onsets } from '../../src/strategies/signals.js';
import { defineStrategy } from '../../src/strategies/define.js';

const dir = mkdtempSync(join(tmpdir(), 'rrr-model-monitor-'));
const NAMES = ['ret:1', 'vol:20'];
/*
 * The default thresholds (PSI 0.25 and a KS p-value of 0.01, both) over 100 bars. Alone, PSI would call the calm
 * walk drifted: vol:20 moves slowly, and its PSI over 100 calm bars reaches 2.4; its KS p-value, counting the
 * window as the few independent values it is worth, stays above 0.09 there.
 */
const DRIFT = { window: 100 };
const pipeline = featurePipeline(NAMES);
const CALM = 700;

/** The benchmark walk, with every return after bar CALM made five times larger: vol:20 and ret:1 drift there. */
function regimeBars(n: number): Bars {
  const bars = benchmarkBars(n, 11);
  let prev = bars.close[CALM - 1];
  for (let t = CALM; t < n; t++) {
    const r = bars.close[t] / bars.open[t] - 1;
    const open = prev;
    const close = open * (1 + 5 * r);
    bars.open[t] = open;
    bars.close[t] = close;
    bars.high[t] = Math.max(open, close) * 1.001;
    bars.low[t] = Math.min(open, close) * 0.999;
    prev = close;
  }
  return bars;
}

const bars = regimeBars(1200);

/** A logistic model of the next bar's direction, trained on bars [lookback, 500), with its training profile. */
function modelFile(name: string, createdAt = new Date()): string {
  const columns = computeFeatures(pipeline, bars);
  const from = pipeline.lookback;
  const rows = 500 - from;
  const y = forwardReturn(bars.close, 1).map((r) => (r > 0 ? 1 : 0));
  const model = trainModel('logistic', Float64Array.from(toMatrix(columns, rows, from)), y.subarray(from, 500), rows, NAMES.length);
  const profile = featureProfile(NAMES, columns, from, 500);
  const path = join(dir, name);
  writeFileSync(path, exportOnnx(model, NAMES, { 'rrr.createdAt': createdAt.toISOString(), 'rrr.profile': JSON.stringify(profile) }));
  return path;
}

const strategy = defineModelStrategy({
  name: 'drift-test',
  features: pipeline,
  params: { model: text('model.onnx', 'the ONNX model'), enter: float(0.5, { min: 0, max: 1 }) },
  warmup: () => pipeline.lookback,
  signals: (b, p) => {
    const probability = predictModel(p.model, pipeline, b);
    return { entries: onsets((i) => probability[i] > p.enter, b.length), exits: onsets((i) => probability[i] <= p.enter, b.length) };
  },
});

async function replay(model: string, risk: RiskConfig, s = strategy, params: Record<string, unknown> = { model }): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  const runner = paperRunner(
    { runId: 'm', strategy: s, params, periodsPerYear: 525_600, symbol: 'BENCH', timeframe: '1m' },
    new ReplayFeed(bars, { speed: 0 }),
    { append: (e) => entries.push(e) },
    { risk },
  );
  await runner.run();
  return entries;
}

const drifts = (entries: JournalEntry[]) => entries.filter((e): e is DriftEntry => e.kind === 'drift');

describe('the live runner checks the models a strategy runs', () => {
  const model = modelFile('direction.onnx');

  it('journals drift as the independent check on whole-history features finds it: stable while calm, drifted once returns grow', async () => {
    const entries = await replay(model, { drift: DRIFT });
    const checks = drifts(entries);
    const columns = computeFeatures(pipeline, bars);
    const profile = featureProfile(NAMES, columns, pipeline.lookback, 500);
    // Each journaled check equals featureDrift on the backtest's features over the same 100 bars.
    for (const c of checks) {
      const expected = featureDrift(profile, columns.map((col) => col.slice(c.index - 99, c.index + 1)));
      expect(c.features).toEqual(expected.features);
    }
    expect(checks[0].drifted).toEqual([]);
    expect(checks[0].index).toBe(pipeline.lookback + 99);
    const first = checks.find((c) => c.drifted.length > 0)!;
    expect(first.index).toBeGreaterThanOrEqual(CALM);
    expect(first.index).toBeLessThan(CALM + 100);
    expect(checks.at(-1)!.drifted).toContain('ret:1');
    // warn (the default) trades on: entries after the drift are allowed.
    expect(entries.some((e) => e.kind === 'risk' && e.decision.rule === 'model-drift')).toBe(false);
    const status = RunStateBuilder.fold(entries);
    expect(status.drift).toHaveLength(1);
    expect(status.drift[0].model).toBe(model);
    expect(status.drift[0].drifted).toContain('ret:1');
    // The same figures on the status endpoint's /metrics, per model and feature.
    const metrics = renderMetrics(status, Date.now());
    for (const f of status.drift[0].features) {
      const labels = `{run="",model="${model}",feature="${f.feature}"}`;
      expect(metrics).toContain(`rrr_model_feature_psi${labels} ${f.psi}\n`);
      expect(metrics).toContain(`rrr_model_feature_drifted${labels} ${f.drifted ? 1 : 0}\n`);
    }
  });

  it('--on-drift halt refuses every entry while a feature drifts (exits still pass), and the guard rebuilt from the journal is paused', async () => {
    // Entering above the median prediction of the drifted bars: the strategy keeps signalling entries there.
    const late = predictModel(model, pipeline, bars).slice(CALM).sort();
    const params = { model, enter: late[late.length >> 1] };
    const entries = await replay(model, { drift: { ...DRIFT, action: 'halt' } }, strategy, params);
    const isPause = (e: JournalEntry, allowed: boolean) => e.kind === 'risk' && e.decision.rule === 'model-drift' && e.decision.clientOrderId === undefined && e.decision.allowed === allowed;
    // The last pause: from there to the end the regime has changed for good.
    const pause = entries.findLastIndex((e) => isPause(e, false));
    expect(pause).toBeGreaterThan(0);
    expect(entries.slice(pause).some((e) => isPause(e, true))).toBe(false);
    const at = entries[pause] as Extract<JournalEntry, { kind: 'risk' }>;
    expect(at.decision.reason).toMatch(/^New entries paused: the features of .*direction\.onnx \((ret:1|vol:20)(, (ret:1|vol:20))?\) drifted from the model's training data \(PSI above 0\.25 and KS p-value below 0\.01 over the last 100 bars\)\.$/);
    const pauseBar = entries.slice(0, pause).filter((e) => e.kind === 'bar').length - 1;
    expect(pauseBar).toBeGreaterThanOrEqual(CALM);
    const after = entries.slice(pause);
    const orders = after.filter((e): e is Extract<JournalEntry, { kind: 'order' }> => e.kind === 'order');
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => o.order.reason !== 'entry')).toBe(true);
    const refused = after.filter((e) => e.kind === 'risk' && e.decision.clientOrderId !== undefined && !e.decision.allowed);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.kind === 'risk' && e.decision.rule === 'model-drift')).toBe(true);
    // The same run with warn enters after that bar: the entries refused above were the strategy's.
    const warned = await replay(model, { drift: DRIFT }, strategy, params);
    expect(warned.some((e) => e.kind === 'order' && e.order.reason === 'entry' && e.order.signalBar > pauseBar)).toBe(true);
    expect(RiskGuard.restore({}, entries.slice(0, pause + 1)).state).toBe('reducing-only');
    expect(RiskGuard.restore({}, entries.slice(0, pause)).state).toBe('active');
  });

  it('refuses an expired model before the first bar (--max-model-age), and on the bar it is first run', async () => {
    const old = modelFile('old.onnx', new Date(Date.now() - 10 * 86_400_000));
    const risk: RiskConfig = { maxModelAge: { ms: 86_400_000, text: '1d' } };
    expect(() => checkModelParams({ model: old, enter: 0.5 }, risk)).toThrow(/^Model .*old\.onnx was created 10\.0 days ago \(.*\), past --max-model-age of 1\.0 days: retrain it or raise --max-model-age\.$/);
    expect(() => checkModelParams({ model }, risk)).not.toThrow();
    await expect(replay(old, risk)).rejects.toThrow(/was created 10\.0 days ago/);
    await expect(replay(model, risk)).resolves.toBeDefined();
  });

  it('refuses the model settings for a strategy that runs no model, and --on-drift halt for a model without a profile', async () => {
    const plain = defineStrategy({ name: 'plain', params: {}, warmup: () => 1, signals: (b) => ({ entries: new Uint8Array(b.length), exits: new Uint8Array(b.length) }) });
    await expect(replay(model, { maxModelAge: { ms: 86_400_000, text: '1d' } }, plain as never, {})).rejects.toThrow(/^This strategy ran no model on its first bar, so --max-model-age cannot apply: remove it\.$/);
    const bare = join(dir, 'bare.onnx');
    const columns = computeFeatures(pipeline, bars);
    const y = forwardReturn(bars.close, 1).map((r) => (r > 0 ? 1 : 0));
    writeFileSync(bare, exportOnnx(trainModel('logistic', Float64Array.from(toMatrix(columns, 400, 100)), y.subarray(100, 500), 400, NAMES.length), NAMES));
    await expect(replay(bare, { drift: { action: 'halt' } })).rejects.toThrow(/^--on-drift halt needs the training profile .* model .*bare\.onnx has none/);
    const warned = drifts(await replay(bare, {}));
    expect(warned).toHaveLength(1);
    expect(warned[0].unchecked).toMatch(/no training profile/);
  });
});
