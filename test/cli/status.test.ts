import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEntry, RunConfig } from '../../src/live/types.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

const CONFIG: RunConfig = {
  mode: 'paper', strategy: 'sma-cross', params: { fast: 3, slow: 5 }, symbol: 'BTC/USDT', timeframe: '1m',
  feed: 'replay', broker: 'paper', sim: { cash: 1000, feeRate: 0.001 }, risk: { maxOrderNotional: 5000 },
};

/**
 * Buy 2 at 100 (fee 0.2), sell 1 at 110 (fee 0.11): 1 BTC left at average 100, realized 10; last close 120.
 * cash 1000 - 200.2 + 109.89 = 909.69; equity 909.69 + 120 = 1029.69; unrealized 20; a stop order resting.
 */
function entries(runId: string): JournalEntry[] {
  return [
    { kind: 'start', time: Date.UTC(2026, 11, 6, 9), runId, config: CONFIG },
    { kind: 'bar', time: Date.UTC(2026, 11, 6, 9, 1), index: 0, bar: { time: Date.UTC(2026, 11, 6, 9), open: 100, high: 100, low: 100, close: 100, volume: 1 } },
    { kind: 'risk', time: Date.UTC(2026, 11, 6, 9, 1), decision: { time: Date.UTC(2026, 11, 6, 9, 1), clientOrderId: `${runId}-1`, allowed: true, rule: 'ok', reason: 'Within every limit.', state: 'active' } },
    { kind: 'order', time: Date.UTC(2026, 11, 6, 9, 1), order: { clientOrderId: `${runId}-1`, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 2, reduceOnly: false, reason: 'entry', signalBar: 0, time: Date.UTC(2026, 11, 6, 9, 1) } },
    { kind: 'fill', time: Date.UTC(2026, 11, 6, 9, 2), fill: { clientOrderId: `${runId}-1`, fillId: `${runId}-1-0`, side: 'buy', amount: 2, price: 100, fee: 0.2, bar: 1, time: Date.UTC(2026, 11, 6, 9, 2) } },
    { kind: 'order-state', time: Date.UTC(2026, 11, 6, 9, 2), status: { clientOrderId: `${runId}-1`, state: 'filled', filled: 2, remaining: 0, averagePrice: 100 } },
    { kind: 'order', time: Date.UTC(2026, 11, 6, 9, 2), order: { clientOrderId: `${runId}-2`, symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: 1, reduceOnly: true, reason: 'signal', signalBar: 1, time: Date.UTC(2026, 11, 6, 9, 2) } },
    { kind: 'fill', time: Date.UTC(2026, 11, 6, 9, 3), fill: { clientOrderId: `${runId}-2`, fillId: `${runId}-2-0`, side: 'sell', amount: 1, price: 110, fee: 0.11, bar: 2, time: Date.UTC(2026, 11, 6, 9, 3) } },
    { kind: 'order-state', time: Date.UTC(2026, 11, 6, 9, 3), status: { clientOrderId: `${runId}-2`, state: 'filled', filled: 1, remaining: 0, averagePrice: 110 } },
    { kind: 'order', time: Date.UTC(2026, 11, 6, 9, 3), order: { clientOrderId: `${runId}-3`, symbol: 'BTC/USDT', side: 'sell', type: 'stop-market', amount: 1, stopPrice: 95, reduceOnly: true, reason: 'stop-loss', signalBar: 2, time: Date.UTC(2026, 11, 6, 9, 3) } },
    { kind: 'order-state', time: Date.UTC(2026, 11, 6, 9, 3), status: { clientOrderId: `${runId}-3`, state: 'submitted', filled: 0, remaining: 1 } },
    { kind: 'risk', time: Date.UTC(2026, 11, 6, 9, 4), decision: { time: Date.UTC(2026, 11, 6, 9, 4), clientOrderId: `${runId}-4`, allowed: false, rule: 'max-order-notional', reason: 'The order of 6000 USDT is over the 5000 USDT limit.', state: 'active' } },
    { kind: 'bar', time: Date.UTC(2026, 11, 6, 9, 4), index: 3, bar: { time: Date.UTC(2026, 11, 6, 9, 3), open: 120, high: 120, low: 120, close: 120, volume: 1 } },
  ];
}

function expectHandWorked(status: any): void {
  expect(status.cash).toBeCloseTo(909.69, 10);
  expect(status.equity).toBeCloseTo(1029.69, 10);
  expect(status.realizedPnl).toBeCloseTo(10, 10);
  expect(status.unrealizedPnl).toBeCloseTo(20, 10);
  expect(status.fees).toBeCloseTo(0.31, 12);
  expect(status.positions).toEqual([{ symbol: 'BTC/USDT', amount: 1, averagePrice: 100, markPrice: 120, value: 120, unrealizedPnl: 20 }]);
  expect(status.openOrders.map((o: any) => [o.clientOrderId, o.type, o.stopPrice, o.state])).toEqual([[`${status.runId}-3`, 'stop-market', 95, 'submitted']]);
  expect(status.riskDecisions).toEqual({ allowed: 1, refused: 1 });
  expect(status.lastDecisions.map((d: any) => d.rule)).toEqual(['ok', 'max-order-notional']);
  expect(status.fills).toBe(2);
}

function writeJournal(folder: string, lines: JournalEntry[]): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'journal.jsonl'), lines.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

/** Every file under dir with its sha, to show a command wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    out[path] = entry.isFile() ? fileSha(path) : 'dir';
  }
  return out;
}


describe('rrr status and rrr stop', () => {
  it('with no runs: one sentence, exit 1, nothing created', () => {
    const dir = tempDir('rrr-status-');
    const r = rrr(['status', '--db', join(dir, 'rrr.duckdb')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`Error: There are no paper or live runs in ${join(dir, 'live')} yet: start one with "rrr paper".\n`);
    // RRR_DB places the runs as --db does.
    const viaEnv = rrr(['status', '--json'], { env: { RRR_DB: join(dir, 'sub', 'rrr.duckdb') } });
    expect(viaEnv.status).toBe(1);
    expect(viaEnv.json()).toEqual({ error: { code: 'RRR_NO_RUNS', message: `There are no paper or live runs in ${join(dir, 'sub', 'live')} yet: start one with "rrr paper".` } });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a stopped run from its journal: hand-worked values, the latest run by default, nothing written', () => {
    const dir = tempDir('rrr-status-');
    const db = join(dir, 'rrr.duckdb');
    writeJournal(join(dir, 'live', 'paper-1'), [...entries('paper-1'), { kind: 'stop', time: Date.UTC(2026, 11, 6, 10), reason: 'replay ended' }]);
    const before = snapshot(dir);
    const json = rrr(['status', 'paper-1', '--json', '--db', db]);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const out = json.json();
    expect(out).toMatchObject({ runId: 'paper-1', source: 'journal', pid: null, warnings: [] });
    expect(out.status).toMatchObject({ state: 'stopped', stopReason: 'replay ended', mode: 'paper' });
    expectHandWorked(out.status);

    const text = rrr(['status', '--db', db]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('paper-1 (paper, stopped; from its journal)');
    expect(text.stdout).toMatch(/Equity\s+1029\.69 \(started with 1000\)/);
    expect(text.stdout).toMatch(/P&L\s+29\.69: realized 10, unrealized 20, fees 0\.31/);
    expect(text.stdout).toMatch(/Stopped\s+2026-12-06T10:00:00Z \(replay ended\)/);
    expect(text.stdout).toMatch(/BTC\/USDT\s+1\s+100\s+120\s+120\s+20/);
    expect(text.stdout).toMatch(/paper-1-3\s+sell\s+stop-market\s+1\s+95\s+submitted\s+0\s+1\s+stop-loss/);
    expect(text.stdout).toMatch(/max-order-notional\s+active\s+The order of 6000 USDT is over the 5000 USDT limit\./);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(db)).toBe(false);
  });

  it('an unknown run: did you mean, exit 2; a crashed run with a torn line is shown and says so', () => {
    const dir = tempDir('rrr-status-');
    const db = join(dir, 'rrr.duckdb');
    const folder = join(dir, 'live', 'paper-1');
    writeJournal(folder, entries('paper-1'));
    appendFileSync(join(folder, 'journal.jsonl'), '{"kind":"fill","time":17');
    // kill -9 left its owner file; pid 2^22+1 is above Linux's pid_max, so no process has it.
    writeFileSync(join(folder, 'runner.pid'), '4194305\n');
    const unknown = rrr(['status', 'paper-2', '--db', db]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(`Error: No run "paper-2" in ${join(dir, 'live')}. Did you mean "paper-1"?\n`);

    const before = snapshot(dir);
    const text = rrr(['status', 'paper-1', '--db', db]);
    expect(text.status).toBe(0);
    expect(text.stderr).toContain('Warning: The last line of');
    expect(text.stderr).toContain('is unfinished (24 bytes, a write cut by a crash): it is ignored, and it was never acted on.');
    expect(text.stderr).toContain('Warning: Run paper-1 ended without stopping (crashed or killed): continue it with "rrr paper --resume paper-1".');
    expect(text.stdout).toContain('paper-1 (paper, crashed; from its journal)');
    const json = rrr(['status', 'paper-1', '--db', db, '--json']);
    expect(json.stderr).toBe('');
    expect(json.json().status.state).toBe('crashed');
    expect(json.json().warnings).toHaveLength(2);
    expectHandWorked(json.json().status);
    expect(snapshot(dir)).toEqual(before);

    // Damage in the middle is refused with one sentence, exit 1.
    writeFileSync(join(folder, 'journal.jsonl'), `${JSON.stringify(entries('paper-1')[0])}\nnot json\n${JSON.stringify(entries('paper-1')[1])}\n`);
    const damaged = rrr(['status', 'paper-1', '--db', db]);
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toMatch(/^Error: Journal .*journal\.jsonl is damaged at line 2 of 3 \(not a journal entry\): [^\n]*\.\n$/);
  });
});
