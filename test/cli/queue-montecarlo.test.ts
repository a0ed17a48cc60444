/**
 * `rrr montecarlo --queue` with real `rrr worker` processes on a real redis-server: the paths cut into
 * batches run by the workers give exactly what one machine prints for the same seed, whatever the cut.
 */
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseQueueUrl, queueStatus } from '../../src/research/queue/index.js';
import { fromTypedJson, toTypedJson } from '../../src/research/queue/typed-json.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { describeRedis, redisForTests, stopProcess, trackedProcesses, waitUntil, workersSeen } from '../helpers/redis.js';

const dir = tempDir('rrr-queue-montecarlo-');
const db = join(dir, 'store.duckdb');
const DEMO = ['montecarlo', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--param', 'fast=12', '--param', 'slow=40', '--fees', '0.001', '--db', db];
const processes = trackedProcesses();

it('results cross the queue bit for bit: typed arrays, NaN, infinities and -0', () => {
  const value = { a: new Float64Array([1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, 0.1 + 0.2]), b: new Uint8Array([0, 1, 255]), c: new Int32Array([-7, 3]), d: { sharpe: Number.NaN, low: Number.NEGATIVE_INFINITY, zero: -0, n: null } };
  const back = fromTypedJson<typeof value>(toTypedJson(value));
  expect(back.a).toBeInstanceOf(Float64Array);
  expect(Buffer.from(back.a.buffer)).toEqual(Buffer.from(value.a.buffer));
  expect(back.b).toEqual(value.b);
  expect(back.c).toEqual(value.c);
  expect(Object.is(back.d.zero, -0)).toBe(true);
  expect(back.d).toEqual(value.d);
});

describeRedis('rrr montecarlo --queue with rrr worker processes', () => {
  const bed = redisForTests(processes);
  beforeAll(() => {
    expect(rrr(['demo', '--db', db]).status).toBe(0);
  });

  it('refuses a URL that is not Redis and --workers 0, in one sentence each', () => {
    const http = rrr([...DEMO, '--queue', 'http://:hunter2@127.0.0.1:1']);
    expect(http.status).toBe(2);
    expect(http.stderr).toMatch(/^Error: --queue http:\/\/:\*\*\*@127\.0\.0\.1:1 is not a Redis URL \(it starts with http:\/\/\): [^\n]*\.\n$/);
    const zero = rrr([...DEMO, '--queue', bed.redis.url, '--workers', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toBe('Error: --workers 0 is not valid: give a whole number of batches to cut the paths into, 1 or more.\n');
  });

  it('2 workers print what one machine prints with the same seed, for block and trade bootstraps and any cut', async () => {
    const url = `${bed.redis.url}?name=mc`;
    const a = processes.worker(url);
    const b = processes.worker(url);
    await waitUntil('both workers are seen', async () => (await workersSeen(url)) === 2);

    const block = ['--runs', '3000', '--method', 'block', '--seed', '7'];
    const queued = rrr([...DEMO, ...block, '--queue', url, '--json']);
    expect(queued.status, queued.stderr).toBe(0);
    const local = rrr([...DEMO, ...block, '--json']);
    expect(local.status, local.stderr).toBe(0);
    expect(queued.json()).toEqual(local.json());
    expect(queued.json().ruin.runs).toBe(3000);
    // Default cut: 4 batches per worker thread seen (2).
    expect((await queueStatus(parseQueueUrl(url))).jobs.done).toBe(8);

    // Cut into 5 batches (--workers on a queue), the terminal text too.
    const trades = ['--runs', '2001', '--method', 'bootstrap', '--seed', '11', '--ruin', '0.9'];
    const cut = rrr([...DEMO, ...trades, '--queue', url, '--workers', '5']);
    expect(cut.status, cut.stderr).toBe(0);
    const one = rrr([...DEMO, ...trades]);
    expect(one.status, one.stderr).toBe(0);
    expect(cut.stdout).toBe(one.stdout);
    expect(cut.stdout).toContain('2001');
    expect((await queueStatus(parseQueueUrl(url))).jobs).toMatchObject({ done: 13, failed: 0, waiting: 0, active: 0 });

    expect(await Promise.all([stopProcess(a), stopProcess(b)])).toEqual([0, 0]);
    const batches = [a, b].map((w) => Number(/stopped after (\d+) batch/.exec(w.log())?.[1]));
    expect(batches[0] + batches[1]).toBe(13);
  }, 120_000);

  it('with no worker on the queue the study says so and waits; a worker started then finishes it', async () => {
    const url = `${bed.redis.url}?name=empty`;
    const study = ['--runs', '500', '--method', 'returns', '--seed', '3'];
    const coordinator = processes.spawn([...DEMO, ...study, '--queue', url, '--json']);
    await waitUntil('the coordinator says why it waits', () => coordinator.log().includes('Waiting'));
    expect(coordinator.log()).toBe(`Waiting for workers: none is on queue "empty" at ${url}; start some with "rrr worker --queue ${url}".\n`);
    const worker = processes.worker(url);
    expect(await coordinator.exited, coordinator.log()).toBe(0);
    const local = rrr([...DEMO, ...study, '--json']);
    expect(JSON.parse(coordinator.out())).toEqual(local.json());
    expect(await stopProcess(worker)).toBe(0);
  }, 60_000);
});
