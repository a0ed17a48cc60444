import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParity } from '../../src/live/parity.js';
import type { JournalEntry } from '../../src/live/types.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { readCsvBars } from '../helpers/shared.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';

const BIN = resolve('bin/run.js');
const DEMO = resolve('datasets/demo-a_1d.csv');

function journal(dir: string, runId: string): JournalEntry[] {
  return readFileSync(join(dir, '.rrr', 'live', runId, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEntry);
}

describe('rrr paper and rrr parity from the command line', () => {
  it('rrr parity prints "Identical" for the demo data and exits 0; --json gives the counts', () => {
    const dir = tempDir();
    const r = rrr(['parity', '--strategy', 'sma-cross', '--data', DEMO, '--fees', '0.001', '--direction', 'both', '--stop-loss', '3%'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Identical: (\d+) fills, the same bar, side, size, price and fee as rrr backtest's \1\./);
    const j = rrr(['parity', '--strategy', 'sma-cross', '--data', DEMO, '--fill', 'close', '--json'], { cwd: dir }).json();
    expect(j.identical).toBe(true);
    expect(j.runnerFills).toBe(j.backtestFills);
    // Parity writes nothing: no store, no run folder.
    expect(existsSync(join(dir, '.rrr'))).toBe(false);
  });

  it('rrr parity exits 1 and prints the first difference when the runner and the backtest disagree', () => {
    const dir = tempDir();
    const file = join(dir, 'peek.ts');
    writeFileSync(file, `import { defineStrategy } from '${resolve('src/strategies/define.ts')}';
export default defineStrategy({ name: 'peek', params: {}, warmup: () => 1,
  signals: (b) => { const n = b.length, e = new Uint8Array(n), x = new Uint8Array(n);
    for (let t = 0; t + 1 < n; t++) (b.close[t + 1] > b.close[t] ? e : x)[t] = 1; return { entries: e, exits: x }; } });
`);
    const r = rrr(['parity', '--strategy', file, '--data', DEMO], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/DIFFERENT: the backtest has \d+ fills, the runner \d+; the first difference is fill #\d+:\n  backtest: bar \d+ (buy|sell) .*\n  runner: {3}(bar \d+|none)/);
  });

  it('a paper run journals fills equal to the backtest, and rrr status reads them back', async () => {
    const dir = tempDir();
    const r = rrr(['paper', '--strategy', 'ema-cross', '--data', DEMO, '--fees', '0.001', '--json'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const out = r.json();
    expect(out.runId).toBe('paper-1');
    expect(out.stoppedBy).toBe('end-of-feed');
    const fills = journal(dir, 'paper-1').flatMap((e) => (e.kind === 'fill' ? [e.fill] : []));
    const expected = await runParity({ strategy: builtinStrategy('ema-cross')!, sim: { feeRate: 0.001 }, periodsPerYear: 365, bars: readCsvBars(DEMO) });
    expect(expected.identical).toBe(true);
    expect(fills.length).toBe(expected.backtestFills);
    const status = rrr(['status', 'paper-1', '--json'], { cwd: dir }).json();
    expect(status.status.fills).toBe(fills.length);
    expect(status.status.state).toBe('stopped');
    // The journal is the source: the store was never created by the paper run.
    expect(existsSync(join(dir, '.rrr', 'rrr.duckdb'))).toBe(false);
  });

  it('while a paper run is going, rrr backtest and rrr status work and rrr stop ends it; --resume continues it', async () => {
    const dir = tempDir();
    expect(rrr(['demo'], { cwd: dir }).status).toBe(0);
    const db = join(dir, '.rrr', 'rrr.duckdb');
    const child = spawn(process.execPath, [BIN, 'paper', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--speed', '40', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
    const endpoint = join(dir, '.rrr', 'live', 'paper-1', 'endpoint.json');
    await waitUntil('the run serves its endpoint', () => existsSync(endpoint), 20_000);
    const running = rrr(['status', 'paper-1', '--json'], { cwd: dir });
    expect(running.status, running.stderr).toBe(0);
    expect(running.json().source).toBe('endpoint');
    expect(running.json().status.state).toBe('running');
    const before = fileSha(db);
    const backtest = rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-B', '--timeframe', '1d', '--json'], { cwd: dir, env: { RRR_DB: undefined } });
    expect(backtest.status, backtest.stderr).toBe(0);
    expect(fileSha(db)).not.toBe(before); // the backtest recorded its run while the paper run was going
    const stop = rrr(['stop', 'paper-1'], { cwd: dir });
    expect(stop.status, stop.stderr).toBe(0);
    expect(await exited).toBe(0);
    const first = JSON.parse(stdout);
    expect(first.stoppedBy).toBe('stop');
    expect(first.bars).toBeLessThan(2192);
    expect(existsSync(endpoint)).toBe(false);

    const resumed = rrr(['paper', '--resume', 'paper-1', '--speed', '0', '--json'], { cwd: dir });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.json().resumedBars).toBe(first.bars);
    expect(resumed.json().bars).toBe(2192);
    const fills = journal(dir, 'paper-1').flatMap((e) => (e.kind === 'fill' ? [e.fill.fillId] : []));
    expect(new Set(fills).size).toBe(fills.length);
    const expected = await runParity({ strategy: builtinStrategy('sma-cross')!, periodsPerYear: 365, bars: readCsvBars(DEMO) });
    expect(fills.length).toBe(expected.backtestFills);
  }, 90_000);

  it('--max-drawdown halts the run: the position is flattened and no entry passes after', () => {
    const dir = tempDir();
    const r = rrr(['paper', '--strategy', 'sma-cross', '--data', DEMO, '--json', '--max-drawdown', '1%'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const entries = journal(dir, 'paper-1');
    const halted = entries.findIndex((e) => e.kind === 'risk' && e.decision.rule === 'max-drawdown');
    expect(halted).toBeGreaterThan(0);
    const after = entries.slice(halted + 1);
    const flatten = after.find((e): e is Extract<JournalEntry, { kind: 'order' }> => e.kind === 'order' && e.order.reason === 'flatten');
    expect(flatten).toBeDefined();
    expect(after.some((e) => e.kind === 'fill' && e.fill.clientOrderId === flatten!.order.clientOrderId)).toBe(true);
    const allowedEntries = after.filter((e) => e.kind === 'order' && !e.order.reduceOnly);
    expect(allowedEntries).toEqual([]);
    expect(r.json().status.riskState).toBe('halted');
    expect(r.json().status.positions.every((p: { amount: number }) => p.amount === 0)).toBe(true);
  });

  it('the kill switch (a KILL file in the run folder) flattens and stops the run, which then refuses --resume', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [BIN, 'paper', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--data', DEMO, '--speed', '50', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
    const folder = join(dir, '.rrr', 'live', 'paper-1');
    await waitUntil('the run serves its endpoint', () => existsSync(join(folder, 'endpoint.json')), 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    writeFileSync(join(folder, 'KILL'), '');
    expect(await exited).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.stoppedBy).toBe('kill-switch');
    expect(existsSync(join(folder, 'KILL'))).toBe(false);
    const entries = journal(dir, 'paper-1');
    expect(entries.some((e) => e.kind === 'risk' && e.decision.rule === 'kill-switch')).toBe(true);
    expect(out.status.positions.every((p: { amount: number }) => p.amount === 0)).toBe(true);
    const again = rrr(['paper', '--resume', 'paper-1'], { cwd: dir });
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('Error: Run paper-1 was stopped by its kill switch; start a new run instead of resuming it.\n');
  }, 60_000);

  it('bad input: one sentence, exit 2 or 1, nothing written', () => {
    const dir = tempDir();
    const cases: [string[], RegExp, number][] = [
      [['paper', '--resume', 'paper-9'], /paper-9/, 2],
      [['paper', '--strategy', 'pairs', '--data', DEMO, '--data', DEMO], /pairs sets target weights for 2 assets; paper and live runs trade single-asset signal strategies/, 2],
      [['paper', '--strategy', 'sma-cross', '--data', DEMO, '--close-at-end'], /^Error: --close-at-end closes at the last bar of the data, which a live run does not have: remove it\.\n$/, 2],
      [['paper', '--strategy', 'sma-cross', '--data', DEMO, '--speed', '-1'], /^Error: --speed "-1" is not valid: use a number of bars per second, 0 for as fast as possible\.\n$/, 2],
      [['paper', '--data', DEMO], /^Error: rrr paper needs --strategy \(with --symbol or --data\), or --resume RUN_ID\.\n$/, 2],
      [['paper', '--resume', 'paper-1', '--strategy', 'sma-cross'], /^Error: --resume continues a run with its own strategy, data, settings and limits: remove --strategy\.\n$/, 2],
      [['paper', '--strategy', 'sma-cross', '--data', DEMO, '--max-drawdown', '20'], /--max-drawdown/, 2],
      [['paper', '--strategy', 'sma-cross', '--data', DEMO, '--param', 'slow=500', '--from', '2024-06-01'], /^Error: sma-cross needs 500 bars before its first signal \(fast=10, slow=500\) but the data has \d+: choose a longer range or shorter windows\.\n$/, 1],
    ];
    for (const [args, message, code] of cases) {
      const r = rrr(args, { cwd: dir });
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.status, args.join(' ')).toBe(code);
      expect(existsSync(join(dir, '.rrr', 'live', 'paper-1')), args.join(' ')).toBe(false);
    }
  });
});
