/**
 * The queue evaluator against the in-thread one (the reference), with a real redis-server and real BullMQ
 * workers (startWorker: worker threads in this process): the same outputs bit for bit, the data published
 * once by content, a worker with other strategy code refusing in a sentence, a busy queue and an unreachable
 * or wrong URL refused, passwords never shown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { UserError } from '../../src/errors.js';
import { decodeBars, encodeBars, parseQueueUrl, QueueEvaluator, queueStatus, redactUrl, startWorker, type RunningWorker } from '../../src/research/queue/index.js';
import { checkRedis, keyPrefix, redisClient } from '../../src/research/queue/connection.js';
import { jobId, type TrialJob } from '../../src/research/queue/jobs.js';
import { InThreadEvaluator, type SweepSpec, type TrialInput } from '../../src/research/sweep/index.js';
import { describeRedis, freePort, startRedis, waitUntil, type TestRedis } from '../helpers/redis.js';

const bits = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'number' ? `${Object.is(v, -0) ? '-0' : v}` : v instanceof Float64Array ? [...v].map(String) : v));

describe('queue URLs', () => {
  it('reads host, port, TLS, database, user, password and queue name', () => {
    const t = parseQueueUrl('rediss://alice:s%40cret@redis.example:6380/3?name=sweeps');
    expect(t).toMatchObject({ host: 'redis.example', port: 6380, tls: true, db: 3, username: 'alice', password: 's@cret', queue: 'sweeps' });
    expect(t.display).toBe('rediss://alice:***@redis.example:6380/3?name=sweeps');
    expect(parseQueueUrl('redis://10.0.0.5')).toMatchObject({ host: '10.0.0.5', port: 6379, tls: false, db: 0, queue: 'rrr' });
    expect(parseQueueUrl('redis://:pw@h:1').password).toBe('pw');
    expect(redactUrl('redis://:hunter2@h:1')).toBe('redis://:***@h:1');
  });

  it('refuses what is not a Redis URL in one sentence that never shows the password', () => {
    for (const bad of ['http://:hunter2@h:1', 'not a url', 'redis://:hunter2@h:1/99', 'redis://:hunter2@h:1?name=a%20b']) {
      let error: unknown;
      try {
        parseQueueUrl(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as Error).message).toMatch(/^--queue [^\n]*\.$/);
    }
  });
});

describe('bars as published', () => {
  it('decode to the same columns, bit for bit, for several series', () => {
    const a = benchmarkBars(1000, 1);
    const b = benchmarkBars(700, 2);
    const back = decodeBars(encodeBars([a, b]));
    expect(back.map((s) => s.length)).toEqual([1000, 700]);
    for (const [orig, got] of [[a, back[0]], [b, back[1]]] as const) {
      for (const c of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect([...got[c]]).toEqual([...orig[c]]);
      expect(got.symbol).toBe(orig.symbol);
    }
  });

  it('a job id depends on what decides its result, not on the study naming it', () => {
    const job: TrialJob = { format: 1, study: 'a', data: 'd', rrrVersion: '1', code: 'c', spec: { strategy: 'sma-cross', sim: {}, periodsPerYear: 252, pboSplits: 0 }, range: { from: 0, to: 10 }, trials: [{ number: 0, params: { fast: 2 } }] };
    expect(jobId({ ...job, study: 'b' })).toBe(jobId(job));
    expect(jobId({ ...job, trials: [{ number: 0, params: { fast: 3 } }] })).not.toBe(jobId(job));
    expect(jobId({ ...job, code: 'other' })).not.toBe(jobId(job));
  });
});

describe('an unreachable Redis', () => {
  it('is one sentence saying how to start one', async () => {
    const port = await freePort();
    const error = await checkRedis(parseQueueUrl(`redis://:hunter2@127.0.0.1:${port}`)).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`Cannot reach Redis at redis://:***@127.0.0.1:${port} (connection refused): start one with "redis-server --port ${port}" (or "docker run -p ${port}:6379 redis:7"), or fix --queue.`);
  });
});

describeRedis('the queue evaluator with real workers', () => {
  let redis: TestRedis;
  let worker: RunningWorker;
  let dir: string;
  const bars = benchmarkBars(20_000);
  const specs: Record<string, SweepSpec> = {
    'all metrics and PBO blocks': { strategy: 'sma-cross', sim: { fill: 'close', feeRate: 0.001 }, periodsPerYear: 525_600, pboSplits: 8 },
    'two metrics, a stop-loss, no moments': { strategy: 'sma-cross', sim: { feeRate: 0.0005, stopLoss: { kind: 'pct', value: 0.01 } }, periodsPerYear: 525_600, metrics: ['sharpe', 'tradeCount'], pboSplits: 0, moments: false },
  };
  const trials: TrialInput[] = [3, 5, 8, 13, 21].flatMap((fast, i) => [34, 55, 89].map((slow, j) => ({ number: i * 3 + j, params: { fast, slow } })));
  // Invalid for sma-cross (fast must be below slow): its error must come back confined to its trial.
  trials.push({ number: 15, params: { fast: 50, slow: 20 } });

  beforeAll(async () => {
    redis = await startRedis({ password: 'hunter2' });
    dir = mkdtempSync(join(tmpdir(), 'rrr-queue-eval-'));
    worker = await startWorker(parseQueueUrl(`${redis.url}?name=same`), { concurrency: 2, stallSeconds: 5 });
  }, 30_000);

  afterAll(async () => {
    try {
      await worker?.stop();
    } finally {
      await redis?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, spec] of Object.entries(specs)) {
    it(`gives the in-thread results bit for bit: ${name}`, async () => {
      const reference = new InThreadEvaluator();
      await reference.load([bars]);
      const queue = await QueueEvaluator.open(parseQueueUrl(`${redis.url}?name=same`), { study: 'study t1' });
      try {
        await queue.load([bars]);
        expect(queue.concurrency).toBe(2);
        for (const range of [{ from: 0, to: 20_000 }, { from: 5_000, to: 15_000 }]) {
          const expected = await reference.run(spec, range, trials);
          const got = await queue.run(spec, range, trials);
          expect(got).toEqual(expected);
          expect(bits(got)).toBe(bits(expected));
          expect(got.filter((o) => o.error !== undefined).map((o) => o.number)).toEqual(expected.filter((o) => o.error !== undefined).map((o) => o.number));
        }
      } finally {
        await queue.close();
        await reference.close();
      }
    }, 60_000);
  }

  it('publishes the bars once, named by content, and shows its workers and jobs', async () => {
    const client = await redisClient(parseQueueUrl(redis.url));
    try {
      const keys = (await client.sendCommand('KEYS', [`${keyPrefix(parseQueueUrl(`${redis.url}?name=same`))}:data:*`])) as string[];
      expect(keys).toHaveLength(1);
    } finally {
      await client.quit();
    }
    // The batches a worker reports are refreshed with its heartbeat (after a batch, at most once a second, or every 5 s).
    let status = await queueStatus(parseQueueUrl(`${redis.url}?name=same`));
    for (let i = 0; i < 100 && status.workers[0]?.jobs === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await queueStatus(parseQueueUrl(`${redis.url}?name=same`));
    }
    expect(status.url).toBe(`${redis.url.replace('hunter2', '***')}?name=same`);
    expect(status.workers).toHaveLength(1);
    expect(status.workers[0].concurrency).toBe(2);
    expect(status.workers[0].jobs).toBeGreaterThan(0);
    expect(status.jobs.done).toBeGreaterThan(0);
    expect(status.jobs.failed).toBe(0);
    expect(JSON.stringify(status)).not.toContain('hunter2');
  });

  it('a worker whose strategy file differs from the coordinator\'s puts the batch back in a sentence; a matching worker runs it', async () => {
    const file = join(dir, 'mine.ts');
    const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).pathname;
    const code = (n: number) => `import { sma } from '${src('indicators/index.ts')}';
import { defineStrategy } from '${src('strategies/define.ts')}';
import { int } from '${src('strategies/params.ts')}';
import { crossSignals } from '${src('strategies/signals.ts')}';
export default defineStrategy({ name: 'mine', params: { n: int(${n}, { min: 1, max: 50 }) }, warmup: (p) => p.n * 2, signals: (bars, p) => crossSignals(sma(bars.close, p.n), sma(bars.close, p.n * 2)) });
`;
    writeFileSync(file, code(5));
    const url = parseQueueUrl(`${redis.url}?name=files`);
    const waits: string[] = [];
    const queue = await QueueEvaluator.open(url, { study: 'study t2', onWait: (m) => waits.push(m) });
    const workers: RunningWorker[] = [];
    const refusals: string[] = [];
    const reference = new InThreadEvaluator();
    try {
      await queue.load([bars]);
      const spec: SweepSpec = { strategy: file, sim: {}, periodsPerYear: 252, metrics: ['sharpe'], pboSplits: 0 };
      const batch = [{ number: 0, params: { n: 5 } }, { number: 1, params: { n: 8 } }];
      // The coordinator fingerprints the file as it publishes the batch; the worker, started after, has another copy.
      const running = queue.run(spec, { from: 0, to: 20_000 }, batch);
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(file, code(6));
      workers.push(await startWorker(url, { concurrency: 1, stallSeconds: 5, onRefused: (m) => refusals.push(m) }));
      await waitUntil('the coordinator says why it waits', () => waits.length > 0);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatch(/^Worker \S+ has a different strategy file .*mine\.ts than the coordinator \(sha256:\w+ here, sha256:\w+ there\): give the coordinator and every worker the same file\.$/);
      expect(waits).toEqual([`Waiting for a matching worker: the one worker on queue "files" at ${url.display} refuses study t2 for a fingerprint mismatch (${refusals[0].replace(/\.$/, '')}).`]);
      // A worker started with the coordinator's copy runs the batch the first one put back.
      writeFileSync(file, code(5));
      workers.push(await startWorker(url, { concurrency: 1, stallSeconds: 5 }));
      const got = await running;
      await reference.load([bars]);
      expect(bits(got)).toBe(bits(await reference.run(spec, { from: 0, to: 20_000 }, batch)));
      // Two jobs of one trial each (at least two per worker thread): both ran on the matching worker.
      expect(workers.map((w) => w.info.jobs)).toEqual([0, 2]);
      expect(refusals).toHaveLength(1);
    } finally {
      for (const w of workers) await w.stop();
      await queue.close();
      await reference.close();
    }
  }, 60_000);

  it('a queue holding unfinished jobs of another study is refused; the same study may continue', async () => {
    // No worker on this queue name: the jobs stay waiting.
    const url = `${redis.url}?name=idle`;
    const first = await QueueEvaluator.open(parseQueueUrl(url), { study: 'study s1 in /a/rrr.duckdb', outageMs: 1000 });
    await first.load([bars]);
    const pending = first.run(specs['all metrics and PBO blocks'], { from: 0, to: 20_000 }, trials.slice(0, 2));
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    const error = await QueueEvaluator.open(parseQueueUrl(url), {}).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`The queue "idle" at ${url.replace('hunter2', '***')} holds unfinished jobs of study s1 in /a/rrr.duckdb: let them finish (see "rrr queue status --queue ${url.replace('hunter2', '***')}"), or give this study its own queue with ?name=OTHER at the end of the --queue URL.`);
    const same = await QueueEvaluator.open(parseQueueUrl(url), { study: 'study s1 in /a/rrr.duckdb' });
    await same.close();
    await first.close();
  }, 30_000);

  it('a wrong password is one sentence that does not show it', async () => {
    const error = await checkRedis(parseQueueUrl(redis.url.replace('hunter2', 'wrong-pw'))).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`Redis at redis://:***@127.0.0.1:${redis.port} refused the user name or password given in --queue: give the password its requirepass or ACL sets.`);
  });
});
