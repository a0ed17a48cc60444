import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RespClient } from '../../src/research/queue/resp-client.js';
import { queueStatus } from '../../src/research/queue/status.js';
import { parseQueueUrl } from '../../src/research/queue/url.js';
export { waitUntil } from './wait.js';

/** Debian's redis-server ($RRR_REDIS_SERVER to use another), or null when absent. */
export const REDIS_SERVER: string | null = (() => {
  const bin = process.env.RRR_REDIS_SERVER ?? 'redis-server';
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0 ? bin : null;
})();

if (REDIS_SERVER === null && process.env.CI === 'true') {
  throw new Error('CI=true but no redis-server was found (apt-get install redis-server, or set RRR_REDIS_SERVER): the queue tests cannot run.');
}

export const REDIS_SKIP_REASON = 'skipped: no redis-server found (apt-get install redis-server, or set RRR_REDIS_SERVER)';

/** describe() that runs only where redis-server is installed; elsewhere one skipped test carries the reason. */
export const describeRedis = (name: string, fn: () => void) => (REDIS_SERVER !== null ? describe(name, fn) : describe(name, () => it.skip(REDIS_SKIP_REASON, () => {})));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  port: number;
  url: string;
  dir: string;
  /** Stops the server (SIGKILL when `kill`, else SIGTERM: it writes its append-only file first). */
  stop(kill?: boolean): Promise<void>;
  /** Starts it again on the same port and directory (its append-only file, if any, is reloaded). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/**
 * A redis-server of the test's own on 127.0.0.1 and a free port, in a temp dir: no RDB snapshots, and with
 * `appendonly` every write is fsync'ed to its append-only file (a restart keeps everything).
 */
export async function startRedis(options: { appendonly?: boolean; password?: string } = {}): Promise<TestRedis> {
  if (REDIS_SERVER === null) throw new Error(REDIS_SKIP_REASON);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rrr-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log')];
  if (options.appendonly) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(REDIS_SERVER!, args, { stdio: 'ignore' });
    // Never outlives the test process, even when a test times out before its afterAll.
    const started = child;
    process.once('exit', () => started.kill('SIGKILL'));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = new RespClient(parseQueueUrl(url), { connectTimeoutMs: 500 });
      try {
        await client.connect();
        if ((await client.send('PING')) === 'PONG') return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}: ${String(error)}`);
      } finally {
        client.close();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (kill = false) => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  await launch();
  return {
    port,
    url,
    dir,
    stop,
    restart: launch,
    async close() {
      await stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `rrr worker` processes and coordinators for the CLI tests: spawned from bin/run.js, stopped by the test. */
export const BIN = resolve('bin/run.js');

export interface Spawned extends ChildProcess {
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Everything it wrote to stdout so far. */
  out(): string;
  /** Its exit code once it exits. */
  exited: Promise<number | null>;
}

export function spawnRrr(args: readonly string[]): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RRR_DB: undefined } });
  let log = '';
  let out = '';
  child.stdout!.on('data', (chunk) => (out += String(chunk)));
  child.stderr!.on('data', (chunk) => (log += String(chunk)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return Object.assign(child, { log: () => log, out: () => out, exited });
}

/** A worker with one thread and a 1 s stall interval: a killed worker's batch is redelivered within seconds. */
export function spawnWorker(url: string): Spawned {
  return spawnRrr(['worker', '--queue', url, '--concurrency', '1', '--stall-interval', '1']);
}

/** How many `rrr worker` processes the queue at `url` sees now. */
export async function workersSeen(url: string): Promise<number> {
  return (await queueStatus(parseQueueUrl(url))).workers.length;
}

/**
 * The rrr processes one test file starts, so its afterAll can kill whatever a failed test left running:
 * `worker` and `spawn` start them, `killAll` ends them.
 */
export function trackedProcesses(): { worker(url: string): Spawned; spawn(args: readonly string[]): Spawned; killAll(): Promise<unknown> } {
  const spawned: Spawned[] = [];
  const track = (child: Spawned) => {
    spawned.push(child);
    return child;
  };
  return {
    worker: (url) => track(spawnWorker(url)),
    spawn: (args) => track(spawnRrr(args)),
    killAll: () => Promise.all(spawned.map((c) => stopProcess(c, 'SIGKILL'))),
  };
}

/**
 * Inside a describe(): a redis-server started before its tests and, after them, the tracked processes killed
 * and the server stopped. `redis` is set once the tests run.
 */
export function redisForTests(processes: { killAll(): Promise<unknown> }, options: Parameters<typeof startRedis>[0] = {}): { redis: TestRedis } {
  const bed = {} as { redis: TestRedis };
  beforeAll(async () => {
    bed.redis = await startRedis(options);
  });
  afterAll(async () => {
    await processes.killAll();
    await bed.redis?.close();
  });
  return bed;
}

export async function stopProcess(child: Spawned, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return child.exited;
}

/** A strategy file with sma-cross's parameters whose signals are `signals` (an arrow body over bars and p). */
export function crossStrategyFile(path: string, name: string, signals: string): string {
  writeFileSync(
    path,
    `import { crossSignals, defineStrategy, int, sma } from 'rrr-backtest';
export default defineStrategy({
  name: '${name}',
  params: { fast: int(5, { min: 2, max: 60 }), slow: int(40, { min: 10, max: 200 }) },
  warmup: (p) => p.slow,
  signals: (bars, p) => ${signals},
});
`,
  );
  return path;
}

/** A sma-cross slow enough (about `ms`, default 30 ms, a trial) for a fault to land in the middle of a batch. */
export function slowStrategyFile(dir: string, ms = 30): string {
  return crossStrategyFile(join(dir, 'slow-cross.ts'), 'slow-cross', `{
    const until = Date.now() + ${ms};
    while (Date.now() < until);
    return crossSignals(sma(bars.close, p.fast), sma(bars.close, p.slow));
  }`);
}

/** A study's summary without what depends on where its trials ran: the store in --db, the local threads. */
export const comparableSummary = ({ threads: _threads, ...summary }: { winner?: { command: string }; threads?: unknown }) => ({
  ...summary,
  ...(summary.winner ? { winner: { ...summary.winner, command: summary.winner.command.replace(/ --db \S+/, '') } } : {}),
});
