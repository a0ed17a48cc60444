import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { processAlive, readJournal, runOwner } from './journal.js';
import { ORDER_STATES, RunStateBuilder, type RunStatus } from './run-state.js';

/**
 * A running run's local endpoint: HTTP on 127.0.0.1, a fresh random token per start written with the port
 * to `endpoint.json` (mode 0600) in the run's folder, so only the user who can read the folder can ask.
 * `rrr status` and `rrr stop` read the file and call it; nothing here touches the store.
 */

export const ENDPOINT_FILE = 'endpoint.json';

export interface Endpoint {
  readonly port: number;
  readonly token: string;
  readonly pid: number;
}

export interface Health {
  /** Answering, not halted, and (when staleAfterMs is set) a bar received recently enough. */
  readonly ok: boolean;
  readonly runId: string | null;
  readonly pid: number;
  readonly riskState: RunStatus['riskState'];
  /** Epoch ms of the last bar's open, null before the first bar. */
  readonly lastBarTime: number | null;
  /** Milliseconds since the last bar was received (journaled), null before the first bar. */
  readonly lastBarAge: number | null;
  readonly staleAfterMs: number | null;
}

export interface StatusServerOptions {
  /** The run's folder: endpoint.json goes there. */
  readonly folder: string;
  /** The run's current status (the runner's RunStateBuilder.status()). */
  readonly status: () => RunStatus;
  /** POST /stop: asks the runner to stop cleanly; the answer is sent once this returns (not once stopped). */
  readonly onStop: (reason: string) => void | Promise<void>;
  /** /health reports not ok when no bar arrived for this long (exchange feeds; replays have none). */
  readonly staleAfterMs?: number;
  readonly now?: () => number;
}

export interface StatusServer {
  readonly port: number;
  readonly url: string;
  readonly token: string;
  /** Stops serving and removes endpoint.json. */
  close(): Promise<void>;
}

/** What /health answers for a status at a time. */
export function healthOf(status: RunStatus, now: number, staleAfterMs: number | null = null, pid = process.pid): Health {
  const lastBarAge = status.lastBar ? Math.max(0, now - status.lastBar.receivedAt) : null;
  const fresh = staleAfterMs === null || (lastBarAge !== null && lastBarAge <= staleAfterMs);
  return {
    ok: status.riskState !== 'halted' && status.state === 'running' && fresh,
    runId: status.runId,
    pid,
    riskState: status.riskState,
    lastBarTime: status.lastBar?.bar.time ?? null,
    lastBarAge,
    staleAfterMs,
  };
}

function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Prometheus text exposition (format 0.0.4) of a status: every series labelled with the run id. */
export function renderMetrics(status: RunStatus, now: number): string {
  const run = `run="${labelValue(status.runId ?? '')}"`;
  const out: string[] = [];
  const metric = (name: string, type: 'gauge' | 'counter', help: string, series: readonly [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of series) out.push(`${name}{${[run, labels].filter((l) => l !== '').join(',')}} ${formatValue(value)}`);
  };
  const symbol = status.config?.symbol ?? '';
  metric('rrr_equity', 'gauge', 'Equity in quote currency: cash plus the position at the latest price.', [['', status.equity]]);
  metric('rrr_cash', 'gauge', 'Cash in quote currency.', [['', status.cash]]);
  metric('rrr_position', 'gauge', 'Position in base units, signed (negative: short).', [
    [`symbol="${labelValue(symbol)}"`, status.positions.find((p) => p.symbol === symbol)?.amount ?? 0],
  ]);
  metric('rrr_realized_pnl', 'gauge', 'Realized profit and loss before fees, in quote currency.', [['', status.realizedPnl]]);
  metric('rrr_unrealized_pnl', 'gauge', 'Unrealized profit and loss of the open position, in quote currency.', [['', status.unrealizedPnl]]);
  metric('rrr_fees_total', 'counter', 'Fees paid, in quote currency.', [['', status.fees]]);
  metric('rrr_orders', 'gauge', 'Orders by state.', ORDER_STATES.map((s) => [`state="${s}"`, status.ordersByState[s]]));
  metric('rrr_open_orders', 'gauge', 'Orders not yet filled, cancelled, rejected or expired.', [['', status.openOrders.length]]);
  metric('rrr_orders_total', 'counter', 'Orders placed.', [['', status.orders]]);
  metric('rrr_fills_total', 'counter', 'Fills received (each venue trade once).', [['', status.fills]]);
  metric('rrr_bars_total', 'counter', 'Closed bars received.', [['', status.bars]]);
  metric('rrr_risk_state', 'gauge', 'Risk guard state: 1 for the current state, 0 for the others.', (['active', 'reducing-only', 'halted'] as const).map((s) => [`state="${s}"`, status.riskState === s ? 1 : 0]));
  metric('rrr_risk_decisions_total', 'counter', 'Risk guard decisions, allowed or refused.', [
    ['allowed="true"', status.riskDecisions.allowed],
    ['allowed="false"', status.riskDecisions.refused],
  ]);
  if (status.lastBar) {
    metric('rrr_last_bar_timestamp_seconds', 'gauge', 'Open time of the last closed bar, Unix seconds.', [['', status.lastBar.bar.time / 1000]]);
    metric('rrr_last_bar_age_seconds', 'gauge', 'Seconds since the last bar was received.', [['', Math.max(0, now - status.lastBar.receivedAt) / 1000]]);
  }
  const features = status.drift.flatMap((d) => d.features.map((f) => [`model="${labelValue(d.model)}",feature="${labelValue(f.feature)}"`, f] as const));
  if (features.length > 0) {
    metric('rrr_model_feature_psi', 'gauge', "Population stability index of a model's feature over the recent window against its training data.", features.map(([l, f]) => [l, f.psi]));
    metric('rrr_model_feature_ks_pvalue', 'gauge', "KS p-value of a model's feature over the recent window against its training data (window counted by its effective size).", features.map(([l, f]) => [l, f.pValue]));
    metric('rrr_model_feature_drifted', 'gauge', '1 while the feature drifts (PSI and KS past their thresholds), else 0.', features.map(([l, f]) => [l, f.drifted ? 1 : 0]));
  }
  metric('rrr_running', 'gauge', '1 while the run is running.', [['', status.state === 'running' ? 1 : 0]]);
  return `${out.join('\n')}\n`;
}

function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return String(x);
}

/** Writes endpoint.json readable by the owner only, whole or not at all (temporary file + rename). */
function writeEndpoint(folder: string, endpoint: Endpoint): void {
  const file = join(folder, ENDPOINT_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(endpoint)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (\S+)$/.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? `${JSON.stringify(body)}\n` : String(body);
  res.writeHead(code, { 'content-type': type === 'application/json' ? 'application/json; charset=utf-8' : type, 'cache-control': 'no-store' });
  res.end(text);
}

/** Starts the endpoint on 127.0.0.1 (a free port) and writes endpoint.json. */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const token = randomBytes(32).toString('hex');
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? null;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!tokenMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer');
      send(res, 401, { error: `Missing or wrong token: send "Authorization: Bearer TOKEN" with the token in ${ENDPOINT_FILE} of the run's folder.` });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const allowed: Record<string, string> = { '/status': 'GET', '/health': 'GET', '/metrics': 'GET', '/stop': 'POST' };
    if (!(path in allowed)) {
      send(res, 404, { error: `No ${path} here: the endpoint serves GET /status, GET /health, GET /metrics and POST /stop.` });
      return;
    }
    if (req.method !== allowed[path]) {
      res.setHeader('allow', allowed[path]);
      send(res, 405, { error: `${path} takes ${allowed[path]}, not ${req.method}.` });
      return;
    }
    req.resume();
    switch (path) {
      case '/status':
        send(res, 200, options.status());
        return;
      case '/health':
        send(res, 200, healthOf(options.status(), now(), staleAfterMs));
        return;
      case '/metrics':
        send(res, 200, renderMetrics(options.status(), now()), 'text/plain; version=0.0.4; charset=utf-8');
        return;
      case '/stop':
        await options.onStop('stop requested through the endpoint (rrr stop)');
        send(res, 202, { stopping: true, pid: process.pid });
        return;
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: `The run could not answer: ${error instanceof Error ? error.message : String(error)}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  try {
    writeEndpoint(options.folder, { port, token, pid: process.pid });
  } catch (error) {
    server.close();
    throw error;
  }
  let closed = false;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (closed) return;
      closed = true;
      try {
        unlinkSync(join(options.folder, ENDPOINT_FILE));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A run's endpoint.json, or undefined when there is none (the run is not running, or was killed). */
export function readEndpoint(folder: string): Endpoint | undefined {
  let text: string;
  try {
    text = readFileSync(join(folder, ENDPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const e = JSON.parse(text) as Partial<Endpoint>;
    if (typeof e.port === 'number' && typeof e.token === 'string' && typeof e.pid === 'number') return { port: e.port, token: e.token, pid: e.pid };
  } catch {
    // A half-written file cannot happen (rename); anything else unreadable is treated as no endpoint.
  }
  return undefined;
}

export interface EndpointAnswer<T> {
  readonly endpoint: Endpoint;
  readonly status: number;
  readonly body: T;
}

/**
 * Calls a running run's endpoint; undefined when the run has no endpoint or it does not answer (a killed
 * runner leaves endpoint.json behind, naming a dead pid and a port that refuses the connection).
 */
export async function callRun<T = unknown>(folder: string, path: '/status' | '/health' | '/metrics' | '/stop', options: { timeoutMs?: number } = {}): Promise<EndpointAnswer<T> | undefined> {
  const endpoint = readEndpoint(folder);
  // A killed runner's port may since belong to another program: do not hand it the token.
  if (!endpoint || !processAlive(endpoint.pid)) return undefined;
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${endpoint.port}${path}`, {
      method: path === '/stop' ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${endpoint.token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
  } catch {
    return undefined;
  }
  try {
    const text = await response.text();
    return { endpoint, status: response.status, body: (path === '/metrics' ? text : JSON.parse(text)) as T };
  } catch {
    return undefined;
  }
}

/** The status a running run serves, or undefined when it is not answering. */
export async function queryRun(folder: string, options: { timeoutMs?: number } = {}): Promise<RunStatus | undefined> {
  const answer = await callRun<RunStatus>(folder, '/status', options);
  return answer?.status === 200 ? answer.body : undefined;
}

export interface LoadedRunStatus {
  readonly status: RunStatus;
  /** 'endpoint': the running runner answered; 'journal': folded from journal.jsonl (nothing written). */
  readonly source: 'endpoint' | 'journal';
  /** The runner's pid while it runs. */
  readonly pid: number | null;
  /** Sentences about what was shown: a torn last line, a run that died without stopping, a silent endpoint. */
  readonly warnings: readonly string[];
}

/**
 * A run's status: from its endpoint when it is running and answering, else folded from its journal. Reads
 * only. A journal without a stop entry whose owner is gone is a run that crashed or was killed.
 */
export async function loadRunStatus(folder: string, options: { timeoutMs?: number } = {}): Promise<LoadedRunStatus> {
  const answer = await callRun<RunStatus>(folder, '/status', options);
  if (answer?.status === 200) return { status: answer.body, source: 'endpoint', pid: answer.endpoint.pid, warnings: [] };
  const journal = readJournal(folder);
  const status = RunStateBuilder.fold(journal.entries);
  const owner = runOwner(folder);
  const runId = status.runId ?? basename(folder);
  const warnings: string[] = [];
  // While the owner lives, an unfinished last line is a write in progress, not damage.
  if (journal.warning && !owner?.alive) warnings.push(journal.warning);
  if (status.state === 'running') {
    if (owner?.alive) {
      warnings.push(`Run ${runId}'s runner (pid ${owner.pid}) is alive but its endpoint did not answer: shown from its journal.`);
      return { status, source: 'journal', pid: owner.pid, warnings };
    }
    const resume = status.mode === 'paper' ? `"rrr paper --resume ${runId}"` : `--resume ${runId}`;
    warnings.push(`Run ${runId} ended without stopping (crashed or killed): continue it with ${resume}.`);
    return { status: { ...status, state: 'crashed' }, source: 'journal', pid: null, warnings };
  }
  return { status, source: 'journal', pid: null, warnings };
}
