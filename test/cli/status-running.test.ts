import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEntry, RunConfig } from '../../src/live/types.js';
import { rrr, tempDir } from '../helpers/cli.js';

const KEY = 'PLANTEDKEY-51c0ffee';
const SECRET = 'PLANTEDSECRET-d00dfeed';

const CONFIG: RunConfig = {
  mode: 'paper', strategy: 'ema-cross', params: { fast: 5, slow: 20 }, symbol: 'ETH/USDT', timeframe: '5m',
  feed: 'replay', broker: 'paper', sim: { cash: 500 }, risk: {},
};

const T = Date.UTC(2026, 11, 6, 12);

/** Buy 1 at 200 with a 0.5 fee, then a refusal that leaves the guard reducing-only; last close 210. */
function entries(runId: string): JournalEntry[] {
  return [
    { kind: 'start', time: T, runId, config: CONFIG },
    { kind: 'bar', time: T + 1, index: 0, bar: { time: T, open: 200, high: 200, low: 200, close: 200, volume: 3 } },
    { kind: 'order', time: T + 2, order: { clientOrderId: `${runId}-1`, symbol: 'ETH/USDT', side: 'buy', type: 'market', amount: 1, reduceOnly: false, reason: 'entry', signalBar: 0, time: T + 2 } },
    { kind: 'fill', time: T + 3, fill: { clientOrderId: `${runId}-1`, fillId: `${runId}-1-0`, side: 'buy', amount: 1, price: 200, fee: 0.5, bar: 1, time: T + 3 } },
    { kind: 'order-state', time: T + 3, status: { clientOrderId: `${runId}-1`, state: 'filled', filled: 1, remaining: 0, averagePrice: 200 } },
    { kind: 'risk', time: T + 4, decision: { time: T + 4, allowed: false, rule: 'daily-loss', reason: 'The daily loss limit is reached: exits only until 00:00 UTC.', state: 'reducing-only' } },
    { kind: 'bar', time: T + 5, index: 1, bar: { time: T + 300_000, open: 210, high: 210, low: 210, close: 210, volume: 3 } },
  ];
}

/** cash 500 - 200 - 0.5 = 299.5; equity 299.5 + 210 = 509.5; unrealized 10. */
function expectHandWorked(status: any): void {
  expect(status.cash).toBe(299.5);
  expect(status.equity).toBe(509.5);
  expect(status.realizedPnl).toBe(0);
  expect(status.unrealizedPnl).toBe(10);
  expect(status.fees).toBe(0.5);
  expect(status.positions).toEqual([{ symbol: 'ETH/USDT', amount: 1, averagePrice: 200, markPrice: 210, value: 210, unrealizedPnl: 10 }]);
  expect(status.openOrders).toEqual([]);
  expect(status.riskState).toBe('reducing-only');
  expect(status.lastDecisions.map((d: any) => d.rule)).toEqual(['daily-loss']);
}

const dist = (module: string) => JSON.stringify(pathToFileURL(resolve(`dist/live/${module}.js`)).href);

/**
 * A stand-in for the runner: makes a run folder, journals the entries, serves the endpoint (unless told not
 * to), and on POST /stop or SIGTERM journals a stop, closes and exits. It loads the planted keys from the
 * environment and journals a venue error that echoed them, through the redactor, as the real runner must.
 */
const RUNNER = `
import { createRunFolder } from ${dist('run-folder')};
import { Journal } from ${dist('journal')};
import { RunStateBuilder } from ${dist('run-state')};
import { startStatusServer } from ${dist('status-server')};
import { loadKeys, keysRedactor } from ${dist('keys')};
const [base, entriesJson, endpoint] = process.argv.slice(1);
const run = createRunFolder(base, 'paper');
const { journal } = Journal.open(run.folder);
const builder = new RunStateBuilder();
const write = (e) => { journal.append(e); builder.apply(e); };
const entries = JSON.parse(entriesJson.replaceAll('RUNID', run.runId));
for (const e of entries) write(e);
const keys = loadKeys({ exchange: 'binance' });
const redact = keysRedactor(keys);
write({ kind: 'note', time: entries.at(-1).time, level: 'warn', message: redact('venue said: invalid signature for key ' + keys.apiKey + ' and secret ' + keys.secret) });
let server = null;
let stopping = false;
const stop = (reason) => {
  if (stopping) return;
  stopping = true;
  write({ kind: 'stop', time: Date.UTC(2026, 11, 6, 10), reason });
  setTimeout(async () => { await server?.close(); journal.close(); process.exit(0); }, 50);
};
process.on('SIGTERM', () => stop('SIGTERM'));
if (endpoint === 'endpoint') server = await startStatusServer({ folder: run.folder, status: () => builder.status(), onStop: stop });
process.stdout.write(run.runId + '\\n');
setInterval(() => {}, 1000);
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startRunner(base: string, endpoint: 'endpoint' | 'none'): Promise<{ child: ChildProcess; runId: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, base, JSON.stringify(entries('RUNID')), endpoint], {
    env: { ...process.env, BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const runId = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.endsWith('\n')) done(out.trim());
    });
    child.on('exit', () => fail(new Error(`the runner ended early: ${stderr}`)));
  });
  return { child, runId, exited };
}

describe('rrr status on a running run, and rrr stop', () => {
  it('a running run answers through its endpoint; rrr stop ends it cleanly; no planted key anywhere', async () => {
    const dir = tempDir('rrr-status-');
    const db = join(dir, 'rrr.duckdb');
    const base = join(dir, 'live');
    // An earlier run that has ended.
    mkdirSync(join(base, 'paper-1'), { recursive: true });
    writeFileSync(join(base, 'paper-1', 'journal.jsonl'), [entries('paper-1')[0], { kind: 'stop', time: T + 9, reason: 'the data ended' }].map((e) => `${JSON.stringify(e)}\n`).join(''));
    const { child, runId, exited } = await startRunner(base, 'endpoint');
    expect(runId).toBe('paper-2');
    const folder = join(base, runId);
    const endpointFile = readFileSync(join(folder, 'endpoint.json'), 'utf8');

    const running = rrr(['status', '--json', '--db', db]);
    expect(running.status).toBe(0);
    expect(running.json()).toMatchObject({ runId: 'paper-2', source: 'endpoint', pid: child.pid, warnings: [] });
    expect(running.json().status.state).toBe('running');
    expectHandWorked(running.json().status);
    expect(running.json().status.notes).toEqual([{ time: T + 5, level: 'warn', message: 'venue said: invalid signature for key *** and secret ***' }]);
    const text = rrr(['status', runId, '--db', db]);
    expect(text.stdout).toContain(`paper-2 (paper, running; pid ${child.pid}, from its endpoint)`);

    // The first run has ended: stopping it is refused with one sentence.
    const notRunning = rrr(['stop', 'paper-1', '--db', db]);
    expect(notRunning.status).toBe(1);
    expect(notRunning.stderr).toBe('Error: Run paper-1 is not running: see "rrr status paper-1" for how it ended.\n');

    const stop = rrr(['stop', runId, '--json', '--db', db]);
    expect(stop.stderr).toBe('');
    expect(stop.status).toBe(0);
    expect(stop.json()).toMatchObject({ runId, pid: child.pid, via: 'endpoint', stopped: true });
    expect(await exited).toBe(0);
    expect(existsSync(join(folder, 'endpoint.json'))).toBe(false);
    expect(existsSync(join(folder, 'runner.pid'))).toBe(false);

    const after = rrr(['status', runId, '--json', '--db', db]);
    expect(after.json()).toMatchObject({ source: 'journal', pid: null, warnings: [] });
    expect(after.json().status).toMatchObject({ state: 'stopped', stopReason: 'stop requested through the endpoint (rrr stop)' });
    expectHandWorked(after.json().status);

    const seen = [running, text, notRunning, stop, after].map((r) => r.stdout + r.stderr).join('\n') + endpointFile + readFileSync(join(folder, 'journal.jsonl'), 'utf8');
    expect(seen).not.toContain(KEY);
    expect(seen).not.toContain(SECRET);
  });

  it('rrr stop falls back to SIGTERM when the run has no endpoint', async () => {
    const dir = tempDir('rrr-status-');
    const db = join(dir, 'rrr.duckdb');
    const { child, runId, exited } = await startRunner(join(dir, 'live'), 'none');
    const status = rrr(['status', runId, '--json', '--db', db]);
    expect(status.json()).toMatchObject({ source: 'journal', pid: child.pid });
    expect(status.json().warnings).toEqual([`Run paper-1's runner (pid ${child.pid}) is alive but its endpoint did not answer: shown from its journal.`]);
    const stop = rrr(['stop', runId, '--db', db]);
    expect(stop.status).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`^Stopped run paper-1 \\(pid ${child.pid}, asked with SIGTERM\\) in [0-9.]+ s\\.\\n$`));
    expect(await exited).toBe(0);
    const after = rrr(['status', runId, '--json', '--db', db]);
    expect(after.json().status).toMatchObject({ state: 'stopped', stopReason: 'SIGTERM' });
  });

  it('rrr stop: a bad --timeout, an unknown run and --wait (no store is opened) are one sentence, exit 2', () => {
    const dir = tempDir('rrr-status-');
    const bad = rrr(['stop', 'paper-1', '--timeout', 'soon', '--db', join(dir, 'rrr.duckdb')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('Error: --timeout "soon" is not valid: give the seconds to wait for the run to end, a number above 0.\n');
    const unknown = rrr(['stop', 'paper-1', '--db', join(dir, 'rrr.duckdb')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(`Error: No run "paper-1" in ${join(dir, 'live')}. There are no runs yet.\n`);
    const wait = rrr(['status', '--wait', '5', '--db', join(dir, 'rrr.duckdb')]);
    expect(wait.status).toBe(2);
    expect(wait.stderr).toBe('Error: rrr status does not open the store, so --wait does not apply: leave it out.\n');
  });
});
