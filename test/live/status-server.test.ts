import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStateBuilder } from '../../src/live/run-state.js';
import { callRun, ENDPOINT_FILE, healthOf, loadRunStatus, queryRun, readEndpoint, renderMetrics, startStatusServer, type StatusServer } from '../../src/live/status-server.js';
import { Journal } from '../../src/live/journal.js';
import type { JournalEntry, RunConfig } from '../../src/live/types.js';
import { tempDir } from '../helpers/cli.js';

const CONFIG: RunConfig = {
  mode: 'paper', strategy: 'sma-cross', params: { fast: 3, slow: 5 }, symbol: 'BTC/USDT', timeframe: '1m',
  feed: 'replay', broker: 'paper', sim: { cash: 1000 }, risk: {},
};

/** Buy 2 at 100 with a 1 fee, last close 104: equity 1007, one limit order resting, one refusal (reducing-only). */
const ENTRIES: JournalEntry[] = [
  { kind: 'start', time: 1_000, runId: 'paper-1', config: CONFIG },
  { kind: 'bar', time: 2_000, index: 0, bar: { time: 60_000, open: 100, high: 100, low: 100, close: 100, volume: 1 } },
  { kind: 'order', time: 2_000, order: { clientOrderId: 'paper-1-1', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 2, reduceOnly: false, reason: 'entry', signalBar: 0, time: 2_000 } },
  { kind: 'fill', time: 2_000, fill: { clientOrderId: 'paper-1-1', fillId: 'f1', side: 'buy', amount: 2, price: 100, fee: 1, bar: 1, time: 2_000 } },
  { kind: 'order-state', time: 2_000, status: { clientOrderId: 'paper-1-1', state: 'filled', filled: 2, remaining: 0 } },
  { kind: 'order', time: 3_000, order: { clientOrderId: 'paper-1-2', symbol: 'BTC/USDT', side: 'sell', type: 'limit', amount: 2, price: 120, reduceOnly: true, reason: 'take-profit', signalBar: 1, time: 3_000 } },
  { kind: 'order-state', time: 3_000, status: { clientOrderId: 'paper-1-2', state: 'submitted', filled: 0, remaining: 2 } },
  { kind: 'risk', time: 3_500, decision: { time: 3_500, allowed: false, rule: 'daily-loss', reason: 'The daily loss limit was reached.', state: 'reducing-only' } },
  { kind: 'bar', time: 4_000, index: 1, bar: { time: 120_000, open: 104, high: 104, low: 104, close: 104, volume: 1 } },
];

/** An independent reader of the Prometheus text format: HELP/TYPE per family, then `name{labels} value`. */
function parseMetrics(text: string) {
  const families = new Map<string, { help?: string; type?: string; samples: { labels: Record<string, string>; value: number }[] }>();
  const family = (name: string) => families.get(name) ?? families.set(name, { samples: [] }).get(name)!;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      if (m[1] === 'HELP') family(m[2]).help = m[3];
      else family(m[2]).type = m[3];
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    const f = families.get(m[1]);
    if (!f?.type || !f.help) throw new Error(`sample before its HELP and TYPE: ${line}`);
    f.samples.push({ labels, value: Number(m[3]) });
  }
  return families;
}

describe('status endpoint', () => {
  let server: StatusServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(folder: string, onStop: (reason: string) => void = () => {}) {
    const builder = new RunStateBuilder();
    for (const e of ENTRIES) builder.apply(e);
    server = await startStatusServer({ folder, status: () => builder.status(), onStop, now: () => 10_000, staleAfterMs: 5_000 });
    return { builder, server };
  }

  it('writes endpoint.json (0600) and answers only with the token', async () => {
    const folder = tempDir('rrr-endpoint-');
    const { server } = await start(folder);
    const file = join(folder, ENDPOINT_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ port: server.port, token: server.token, pid: process.pid });
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    for (const path of ['/status', '/health', '/metrics', '/nowhere']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(401);
      expect((await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${'0'.repeat(64)}` } })).status).toBe(401);
      expect((await fetch(`${server.url}${path}`, { headers: { authorization: server.token } })).status).toBe(401);
    }
    const stop = await fetch(`${server.url}/stop`, { method: 'POST' });
    expect(stop.status).toBe(401);
    expect(((await stop.json()) as { error: string }).error).toMatch(/^Missing or wrong token: /);
    const auth = { authorization: `Bearer ${server.token}` };
    expect((await fetch(`${server.url}/status`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${server.url}/nowhere`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${server.url}/status`, { method: 'POST', headers: auth })).status).toBe(405);
    expect((await fetch(`${server.url}/stop`, { headers: auth })).status).toBe(405);
  });

  it('serves the folded status, health and metrics; the client reads them through endpoint.json', async () => {
    const folder = tempDir('rrr-endpoint-');
    const { builder } = await start(folder);
    expect(await queryRun(folder)).toEqual(JSON.parse(JSON.stringify(builder.status())));
    const status = (await queryRun(folder))!;
    expect(status.equity).toBe(1007); // 1000 - 200 - 1 + 2 x 104

    const health = await callRun(folder, '/health');
    // The last bar was received at 4 000, the clock says 10 000: 6 s, over the 5 s allowed.
    expect(health?.body).toEqual({ ok: false, runId: 'paper-1', pid: process.pid, riskState: 'reducing-only', lastBarTime: 120_000, lastBarAge: 6_000, staleAfterMs: 5_000 });
    expect(healthOf(builder.status(), 8_000, 5_000).ok).toBe(true);
    expect(healthOf(builder.status(), 8_000, null).ok).toBe(true);

    const metrics = await callRun<string>(folder, '/metrics');
    const families = parseMetrics(metrics!.body);
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)?.samples.find((s) => Object.entries({ run: 'paper-1', ...labels }).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('rrr_equity')).toBe(1007);
    expect(value('rrr_cash')).toBe(799);
    expect(value('rrr_position', { symbol: 'BTC/USDT' })).toBe(2);
    expect(value('rrr_unrealized_pnl')).toBe(8);
    expect(value('rrr_fees_total')).toBe(1);
    expect(value('rrr_open_orders')).toBe(1);
    expect(value('rrr_orders', { state: 'submitted' })).toBe(1);
    expect(value('rrr_orders', { state: 'filled' })).toBe(1);
    expect(value('rrr_orders', { state: 'cancelled' })).toBe(0);
    expect(value('rrr_orders_total')).toBe(2);
    expect(value('rrr_fills_total')).toBe(1);
    expect(value('rrr_bars_total')).toBe(2);
    expect(value('rrr_risk_state', { state: 'reducing-only' })).toBe(1);
    expect(value('rrr_risk_state', { state: 'active' })).toBe(0);
    expect(value('rrr_risk_decisions_total', { allowed: 'false' })).toBe(1);
    expect(value('rrr_last_bar_timestamp_seconds')).toBe(120);
    expect(value('rrr_last_bar_age_seconds')).toBe(6);
    expect(value('rrr_running')).toBe(1);
    expect(families.get('rrr_fills_total')?.type).toBe('counter');
    expect(families.get('rrr_equity')?.type).toBe('gauge');
    // Every family has its HELP and TYPE (the parser refuses samples without them).
    expect([...families.values()].every((f) => f.help && f.type)).toBe(true);
  });

  it('POST /stop calls the runner back; close removes endpoint.json and the client then finds nothing', async () => {
    const folder = tempDir('rrr-endpoint-');
    const reasons: string[] = [];
    const { server } = await start(folder, (reason) => void reasons.push(reason));
    const answer = await callRun(folder, '/stop');
    expect(answer?.status).toBe(202);
    expect(answer?.body).toEqual({ stopping: true, pid: process.pid });
    expect(reasons).toEqual(['stop requested through the endpoint (rrr stop)']);
    await server.close();
    expect(existsSync(join(folder, ENDPOINT_FILE))).toBe(false);
    expect(readEndpoint(folder)).toBeUndefined();
    expect(await queryRun(folder)).toBeUndefined();
  });

  it('a stale endpoint.json (runner gone) is not called; the status then comes from the journal', async () => {
    const folder = join(tempDir('rrr-endpoint-'), 'paper-1');
    mkdirSync(folder);
    const { journal } = Journal.open(folder);
    for (const e of ENTRIES) journal.append(e);
    const { server } = await start(folder);
    const live = await loadRunStatus(folder);
    expect(live.source).toBe('endpoint');
    expect(live.pid).toBe(process.pid);
    // Simulate kill -9: the server stops answering but its file stays; the journal owner is this (live) process.
    const saved = readFileSync(join(folder, ENDPOINT_FILE), 'utf8');
    await server.close();
    writeFileSync(join(folder, ENDPOINT_FILE), saved, { mode: 0o600 });
    const silent = await loadRunStatus(folder, { timeoutMs: 1000 });
    expect(silent.source).toBe('journal');
    expect(silent.status.equity).toBe(1007);
    expect(silent.warnings).toEqual([`Run paper-1's runner (pid ${process.pid}) is alive but its endpoint did not answer: shown from its journal.`]);
    journal.close();
    const crashed = await loadRunStatus(folder);
    expect(crashed.status.state).toBe('crashed');
    expect(crashed.warnings).toEqual(['Run paper-1 ended without stopping (crashed or killed): continue it with "rrr paper --resume paper-1".']);
  });

  it('metrics escape label values', () => {
    const s = RunStateBuilder.fold([{ kind: 'start', time: 0, runId: 'paper-1', config: { ...CONFIG, symbol: 'A"B\\C' } }]);
    expect(renderMetrics(s, 0)).toContain('rrr_position{run="paper-1",symbol="A\\"B\\\\C"} 0');
  });
});
