import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureProfile } from '../../src/ml/drift.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { demoModel, DEMO_DATA as DATA, EXAMPLE_FEATURES as FEATURES } from '../fixtures/ml/demo-model.js';
import { exampleStrategy } from '../fixtures/ml/example-strategy.js';
import { runAndKill, tradingEntries } from '../helpers/kill.js';

describe('a model strategy in rrr parity, rrr paper and rrr status', () => {
  let cwd: string;
  let strategy: string;
  beforeAll(() => {
    cwd = tempDir('rrr-paper-model-');
    strategy = exampleStrategy(cwd);
    // Logistic models on the example's features, trained on the demo data's first 1000 rows, with the profile
    // of those rows (what rrr ml train writes): one made now, one made 10 days ago.
    const { data, rows, write: writeModel } = demoModel();
    const profile = JSON.stringify(featureProfile(FEATURES, [...data.features], 0, rows));
    const write = (name: string, created: number) => writeModel(join(cwd, name), { 'rrr.createdAt': new Date(created).toISOString(), 'rrr.profile': profile });
    write('m.onnx', Date.now());
    write('old.onnx', Date.now() - 10 * 86_400_000);
  });

  it('rrr parity: the runner, running the model bar by bar, makes the backtest\'s fills exactly', () => {
    const r = rrr(['parity', '--strategy', strategy, '--data', DATA, '--param', 'model=m.onnx', '--param', 'enter=0.52', '--fees', '0.001', '--json'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.status, r.stderr).toBe(0);
    const out = r.json();
    expect(out.identical).toBe(true);
    expect(out.backtestFills).toBeGreaterThan(10);
    expect(out.runnerFills).toBe(out.backtestFills);
  });

  it('rrr paper journals the model\'s drift and rrr status shows it; --max-model-age refuses an old model before writing anything', () => {
    const db = join(cwd, 'store.duckdb');
    const old = rrr(['paper', '--strategy', strategy, '--data', DATA, '--param', 'model=old.onnx', '--max-model-age', '7d', '--db', db], { cwd });
    expect(old.status).toBe(1);
    expect(old.stderr).toMatch(/^Error: Model old\.onnx was created 10\.0 days ago \(.*\), past --max-model-age of 7\.0 days: retrain it or raise --max-model-age\.\n$/);
    expect(existsSync(join(cwd, 'live'))).toBe(false);

    const bad = rrr(['paper', '--strategy', strategy, '--data', DATA, '--param', 'model=m.onnx', '--on-drift', 'stop', '--db', db], { cwd });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--on-drift "stop" is not valid: use warn \(a note and rrr status\) or halt \(no new entries while a feature drifts\)\./);

    const run = rrr(['paper', '--strategy', strategy, '--data', DATA, '--param', 'model=m.onnx', '--param', 'enter=0.52', '--max-model-age', '7d', '--drift-window', '100', '--db', db, '--json'], { cwd });
    expect(run.status, run.stderr).toBe(0);
    const runId = run.json().runId as string;
    const shown = rrr(['status', runId, '--db', db, '--json'], { cwd });
    expect(shown.status, shown.stderr + shown.stdout).toBe(0);
    const status = shown.json().status;
    expect(status.drift).toHaveLength(1);
    const drift = status.drift[0];
    expect(drift.model).toBe('m.onnx');
    expect(drift.window).toBe(100);
    expect(drift.features.map((f: { feature: string }) => f.feature)).toEqual(FEATURES);
    expect(drift.index).toBe(status.lastBar.index - ((status.lastBar.index - drift.index) % 100));
    const text = rrr(['status', runId, '--db', db], { cwd });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Model drift \(features against the training data\)\nm\.onnx: (stable|DRIFTED \(.+\)) at bar #\d+, last 100 bars; largest PSI [\d.]+ \(.+\), smallest KS p-value [\d.e-]+ \(.+\)/);
  });

  it('a paper run with a model, killed with SIGKILL and resumed, journals what an uninterrupted run does, drift and pauses included', async () => {
    const flags = ['paper', '--strategy', strategy, '--data', DATA, '--param', `model=${join(cwd, 'm.onnx')}`, '--param', 'enter=0.52', '--drift-window', '100', '--on-drift', 'halt'];
    const whole = tempDir('rrr-paper-model-whole-');
    expect(rrr([...flags, '--speed', '0'], { cwd: whole }).status).toBe(0);
    const expected = tradingEntries(readFileSync(join(whole, '.rrr', 'live', 'paper-1', 'journal.jsonl'), 'utf8').split('\n'));
    expect(expected.some((e) => e.includes('"kind":"drift"'))).toBe(true);
    expect(expected.some((e) => e.includes('"rule":"model-drift"'))).toBe(true);
    const dir = tempDir('rrr-paper-model-kill-');
    const journal = join(dir, '.rrr', 'live', 'paper-1', 'journal.jsonl');
    expect(await runAndKill(dir, [...flags, '--speed', '400'], journal, 1500)).toBe('killed');
    const resumed = rrr(['paper', '--resume', 'paper-1', '--speed', '0'], { cwd: dir });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(tradingEntries(readFileSync(journal, 'utf8').split('\n'))).toEqual(expected);
  }, 120_000);
});
