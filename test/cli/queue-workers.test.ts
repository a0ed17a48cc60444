/**
 * `rrr optimize --queue` with real `rrr worker` processes on a real redis-server: bad input refused in one
 * sentence, 2 workers giving the single-process study trial for trial, a worker killed mid-batch.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { withStore } from '../../src/data/store.js';
import { getStudy } from '../../src/research/optimize/study-store.js';
import { parseQueueUrl, queueStatus } from '../../src/research/queue/index.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { comparableSummary, describeRedis, freePort, slowStrategyFile, redisForTests, stopProcess, trackedProcesses, waitUntil, workersSeen } from '../helpers/redis.js';

const DATA = resolve('datasets/demo-a_1d.csv');
const dir = tempDir('rrr-queue-cli-');
const SLOW = slowStrategyFile(dir);
const processes = trackedProcesses();
const worker = processes.worker;

describeRedis('rrr optimize --queue with rrr worker processes', () => {
  const bed = redisForTests(processes);

  it('refuses --concurrency 0, an unreachable Redis and a URL that is not Redis, in one sentence each', async () => {
    const zero = rrr(['worker', '--queue', bed.redis.url, '--concurrency', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toBe('Error: --concurrency 0 is not valid: give a whole number of threads, 1 or more.\n');
    const port = await freePort();
    const away = rrr(['worker', '--queue', `redis://:hunter2@127.0.0.1:${port}`]);
    expect(away.status).toBe(1);
    expect(away.stderr).toBe(`Error: Cannot reach Redis at redis://:***@127.0.0.1:${port} (connection refused): start one with "redis-server --port ${port}" (or "docker run -p ${port}:6379 redis:7"), or fix --queue.\n`);
    const http = rrr(['optimize', '--strategy', 'sma-cross', '--data', DATA, '--queue', 'http://:hunter2@127.0.0.1:1', '--db', join(dir, 'bad.duckdb')]);
    expect(http.status).toBe(2);
    expect(http.stderr).toMatch(/^Error: --queue http:\/\/:\*\*\*@127\.0\.0\.1:1 is not a Redis URL \(it starts with http:\/\/\): give redis:\/\/HOST\[:PORT\] or rediss:\/\/HOST\[:PORT\] for TLS \(e\.g\. [^\n]*\)\.\n$/);
    expect(existsSync(join(dir, 'bad.duckdb'))).toBe(false);
  });

  it('2 workers give the single-process study trial for trial, and the same walk-forward; queue status shows them; SIGTERM stops them', async () => {
    const url = `${bed.redis.url}/0?name=two`;
    const search = ['--strategy', 'sma-cross', '--data', DATA, '--grid', 'fast=5:30:5', '--grid', 'slow=40:100:20', '--pbo-splits', '4'];
    const a = worker(url);
    const b = worker(url);
    await waitUntil('both workers are seen', async () => (await workersSeen(url)) === 2);
    const status = rrr(['queue', 'status', '--queue', url, '--json']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.json().workers.map((w: { concurrency: number }) => w.concurrency)).toEqual([1, 1]);
    const queued = rrr(['optimize', ...search, '--queue', url, '--db', join(dir, 'two.duckdb'), '--json']);
    expect(queued.status, queued.stderr).toBe(0);
    const local = rrr(['optimize', ...search, '--workers', '1', '--db', join(dir, 'one.duckdb'), '--json']);
    expect(local.status, local.stderr).toBe(0);
    expect(comparableSummary(queued.json())).toEqual(comparableSummary(local.json()));
    expect(queued.json().trials).toMatchObject({ total: 24, finished: 24 });
    // A walk-forward's windows search on the same workers, with the same results.
    const windows = ['walkforward', ...search.slice(0, -2), '--train', '500', '--test', '250'];
    const walkQueued = rrr([...windows, '--queue', url, '--json']);
    expect(walkQueued.status, walkQueued.stderr).toBe(0);
    const walkLocal = rrr([...windows, '--workers', '1', '--json']);
    expect(walkLocal.status, walkLocal.stderr).toBe(0);
    const { threads, ...walkResults } = walkLocal.json();
    expect(threads).toEqual({ count: 1, reason: '--workers' });
    expect(walkQueued.json()).toEqual(walkResults);
    expect(walkQueued.json().windows.length).toBeGreaterThan(3);
    expect(await Promise.all([stopProcess(a), stopProcess(b)])).toEqual([0, 0]);
    // Both took batches.
    expect(a.log()).toMatch(/stopped after [1-9]\d* batch/);
    expect(b.log()).toMatch(/stopped after [1-9]\d* batch/);
    // Where trials ran is no setting of the study: the recorded command has no --queue (nor its password).
    const study = await withStore(join(dir, 'two.duckdb'), { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(study.header.command.join(' ')).not.toContain('--queue');
    await waitUntil('the stopped workers drop out', async () => (await workersSeen(url)) === 0);
  }, 120_000);

  it('a worker killed with SIGKILL mid-batch: its batch is redelivered and every trial counted once', async () => {
    const url = `${bed.redis.url}?name=kill`;
    const search = ['--strategy', SLOW, '--data', DATA, '--grid', 'fast=5:20:5', '--grid', 'slow=40:100:30', '--pbo-splits', '0'];
    const first = worker(url);
    await waitUntil('the worker is seen', async () => (await workersSeen(url)) === 1);
    const coordinator = processes.spawn(['optimize', ...search, '--queue', url, '--db', join(dir, 'kill.duckdb'), '--json']);
    await waitUntil('a batch is active', async () => (await queueStatus(parseQueueUrl(url))).jobs.active > 0);
    first.kill('SIGKILL');
    const second = worker(url);
    expect(await coordinator.exited, coordinator.log()).toBe(0);
    const reference = rrr(['optimize', ...search, '--workers', '1', '--db', join(dir, 'kill-ref.duckdb'), '--json']);
    expect(reference.status, reference.stderr).toBe(0);
    expect(comparableSummary(JSON.parse(coordinator.out()))).toEqual(comparableSummary(reference.json()));
    const study = await withStore(join(dir, 'kill.duckdb'), { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(study.trials.map((t) => t.number)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    expect((await queueStatus(parseQueueUrl(url))).jobs.failed).toBe(0);
    expect(await stopProcess(second)).toBe(0);
    expect(second.log()).toMatch(/stopped after [1-9]\d* batch/);
  }, 120_000);
});
