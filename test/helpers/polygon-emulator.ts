/**
 * A small stand-in for Polygon.io's aggregates endpoint, written from its public API docs, on 127.0.0.1:
 *   GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}?adjusted&sort&limit
 * from/to are YYYY-MM-DD or epoch ms (inclusive); limit defaults to 5,000, at most 50,000; the answer is
 * {ticker, queryCount, resultsCount, adjusted, results: [{t, o, h, l, c, v, vw, n}], status: "OK",
 * request_id, count, next_url?}: next_url (absolute, without the key) is the same request from the bar after
 * the page, with a cursor. The key comes as ?apiKey= or "Authorization: Bearer"; a wrong one gets 401
 * {status: "ERROR", error: "Unknown API Key"}. A plan's history limit gets 403 {status: "NOT_AUTHORIZED"}.
 * Bars are served only at the timeframe they were given with (Polygon would aggregate; rrr never needs it).
 * Faults for tests: 429 with Retry-After, 5xx, a hanging request (a timeout), a dropped connection, death.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { Bars } from '../../src/data/bars.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import type { CliResult } from './cli.js';

export interface PolygonFault {
  /** 429 (with retryAfterSeconds), 5xx; or 'hang' (never answers), 'drop' (closes the socket). */
  kind: number | 'hang' | 'drop';
  retryAfterSeconds?: number;
  /** How many requests it hits (default 1). */
  times?: number;
  /** Requests answered normally before it starts (default 0). */
  after?: number;
}

export interface PolygonEmulatorOptions {
  /** Ticker -> bars and their timeframe (e.g. '1d', '1h'). */
  series: Record<string, { bars: Bars; timeframe: string }>;
  apiKey?: string;
  /** Bars before this (epoch ms) are outside the plan: 403. */
  historyFrom?: number;
  /** Delay before each answer, in ms (to catch a fetch mid-way). */
  delayMs?: number;
}

export interface PolygonEmulator {
  readonly url: string;
  /** Requests answered (each page is one), with their path and query (the key removed). */
  readonly requests: string[];
  /** Authorization headers and apiKey parameters seen, to check the key travels (and only there). */
  readonly keysSeen: string[];
  readonly arrived: number;
  fault(f: PolygonFault): void;
  /** From now on every request fails with 503 (a source that died). */
  die(): void;
  /** Requests after the first `n` get no answer until release(): a fetch caught mid-way, deterministically. */
  holdAfter(n: number): void;
  release(): void;
  close(): Promise<void>;
}

const SPAN_UNIT: Record<string, string> = { second: 's', minute: 'm', hour: 'h', day: 'd', week: 'w', month: 'mo' };

function parseBound(text: string, end: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`) + (end ? 86_400_000 - 1 : 0);
  return Number(text);
}

export async function startPolygonEmulator(options: PolygonEmulatorOptions): Promise<PolygonEmulator> {
  const apiKey = options.apiKey ?? 'test-polygon-key';
  const requests: string[] = [];
  const keysSeen: string[] = [];
  const faults: Array<PolygonFault & { left: number; wait: number }> = [];
  let dead = false;
  let counter = 0;
  const sockets = new Set<import('node:net').Socket>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, base: string) => {
    const url = new URL(req.url ?? '/', base);
    const given = url.searchParams.get('apiKey') ?? /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];
    if (given !== null && given !== undefined) keysSeen.push(given);
    url.searchParams.delete('apiKey');
    requests.push(url.pathname + url.search);
    counter++;
    const request_id = `req-${counter}`;
    if (dead) return send(res, 503, { status: 'ERROR', request_id, error: 'Service Unavailable' });
    for (const f of faults) {
      if (f.wait > 0) {
        f.wait--;
        continue;
      }
      if (f.left <= 0) continue;
      f.left--;
      if (f.kind === 'hang') return; // never answered: the client's timeout fires
      if (f.kind === 'drop') return req.socket.destroy();
      const headers: Record<string, string> = f.kind === 429 && f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {};
      const error = f.kind === 429 ? "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing" : 'Internal Server Error';
      return send(res, f.kind, { status: 'ERROR', request_id, error }, headers);
    }
    if (given !== apiKey) return send(res, 401, { status: 'ERROR', request_id, error: 'Unknown API Key' });
    const m = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/(\w+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) return send(res, 404, { status: 'NOT_FOUND', request_id, message: 'Not Found' });
    const ticker = decodeURIComponent(m[1]);
    const unit = SPAN_UNIT[m[3]];
    if (unit === undefined) return send(res, 400, { status: 'ERROR', request_id, error: `Invalid timespan '${m[3]}'` });
    const from = parseBound(m[4], false);
    const to = parseBound(m[5], true);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return send(res, 400, { status: 'ERROR', request_id, error: 'Could not parse the time parameter' });
    if (options.historyFrom !== undefined && from < options.historyFrom) {
      return send(res, 403, { status: 'NOT_AUTHORIZED', request_id, message: "Your plan doesn't include this data timeframe. Please upgrade your plan at https://polygon.io/pricing" });
    }
    const cursor = url.searchParams.get('cursor');
    const params = new URLSearchParams(cursor ? Buffer.from(cursor, 'base64url').toString() : url.search);
    const limit = Math.min(50_000, Math.max(1, Number(params.get('limit') ?? 5000)));
    const series = options.series[ticker];
    const results: Array<Record<string, number>> = [];
    let more: number | undefined;
    if (series && parseTimeframe(`${m[2]}${unit}`).label === parseTimeframe(series.timeframe).label) {
      const b = series.bars;
      for (let i = 0; i < b.length; i++) {
        const t = b.time[i];
        if (t < from || t > to) continue;
        if (results.length === limit) {
          more = t;
          break;
        }
        const bar: Record<string, number> = { t, o: b.open[i], h: b.high[i], l: b.low[i], c: b.close[i], n: 1 };
        if (!Number.isNaN(b.volume[i])) Object.assign(bar, { v: b.volume[i], vw: (b.high[i] + b.low[i] + b.close[i]) / 3 });
        results.push(bar);
      }
    }
    const body: Record<string, unknown> = { ticker, queryCount: results.length, resultsCount: results.length, adjusted: params.get('adjusted') !== 'false', status: 'OK', request_id, count: results.length };
    if (results.length > 0) body.results = results;
    if (more !== undefined) {
      const next = new URLSearchParams({ limit: String(limit), sort: 'asc', adjusted: params.get('adjusted') ?? 'true' }).toString();
      body.next_url = `${base}/v2/aggs/ticker/${m[1]}/range/${m[2]}/${m[3]}/${more}/${m[5]}?cursor=${Buffer.from(next).toString('base64url')}`;
    }
    send(res, 200, body);
  };

  let base = '';
  let holdAfter = Infinity;
  let arrived = 0;
  const held: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const answer = () => (options.delayMs ? setTimeout(() => handle(req, res, base), options.delayMs) : handle(req, res, base));
    if (++arrived > holdAfter) held.push(answer);
    else answer();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    keysSeen,
    fault: (f) => faults.push({ ...f, left: f.times ?? 1, wait: f.after ?? 0 }),
    die: () => {
      dead = true;
    },
    holdAfter: (n) => {
      holdAfter = arrived + n;
    },
    release: () => {
      holdAfter = Infinity;
      for (const answer of held.splice(0)) answer();
    },
    /** Requests that arrived, answered or held. */
    get arrived() {
      return arrived;
    },
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}

/**
 * bin/run.js as a child process that does not block this one (spawnSync would), so an emulator running in
 * the test process can answer it. `onSpawn` gets a kill -9 of the child.
 */
export function rrrAsync(args: readonly string[], env: Record<string, string | undefined> = {}, onSpawn?: (kill: () => void) => void): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(process.cwd(), 'bin/run.js'), ...args], { env: { ...process.env, RRR_DB: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code, signal) => done({ status: code ?? (signal ? -1 : 0), stdout, stderr, json: () => JSON.parse(stdout) }));
    onSpawn?.(() => child.kill('SIGKILL'));
  });
}

/** Two series equal bar for bar, field for field. */
export function expectSameBars(actual: Bars, expected: Bars): void {
  expect(actual.length).toBe(expected.length);
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(actual[f])).toEqual(Array.from(expected[f]));
}

/**
 * The CLI tests' setup around the emulator: one API key, `rrr` run with it in POLYGON_API_KEY, and every
 * emulator started through `start` closed after each test. Call it at the top level of a test file.
 */
export function polygonCli(key = 'cli-polygon-key') {
  const running: PolygonEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
  return {
    key,
    rrr: (args: readonly string[], env: Record<string, string | undefined> = {}, onSpawn?: (kill: () => void) => void) => rrrAsync(args, { POLYGON_API_KEY: key, ...env }, onSpawn),
    async start(options: Omit<PolygonEmulatorOptions, 'apiKey'>): Promise<PolygonEmulator> {
      const e = await startPolygonEmulator({ ...options, apiKey: key });
      running.push(e);
      return e;
    },
  };
}
