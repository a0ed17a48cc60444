/**
 * Faults of the coordinator and of Redis, with real `rrr worker` processes on a real redis-server (append-only,
 * fsync'ed): the coordinator killed and resumed, Redis killed and restarted mid-study. Each run is held to the
 * single-process run of the same study. Each test runs several rrr processes (two workers, the coordinator,
 * a reference run): on a busy machine it is given 120 s.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { withStore } from '../../src/data/store.js';
import { getStudy } from '../../src/research/optimize/study-store.js';
import { parseQueueUrl, queueStatus } from '../../src/research/queue/index.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { comparableSummary, describeRedis, slowStrategyFile, redisForTests, stopProcess, trackedProcesses, waitUntil, workersSeen } from '../helpers/redis.js';

const DATA = resolve('datasets/demo-a_1d.csv');
const dir = tempDir('rrr-queue-faults-');
const SLOW = slowStrategyFile(dir);
const processes = trackedProcesses();
const worker = processes.worker;

describeRedis('queue faults', () => {
  const bed = redisForTests(processes, { appendonly: true });

  it('the coordinator killed and resumed with --resume: finished trials are not repeated, the study equals an uninterrupted one', async () => {
    const url = `${bed.redis.url}?name=resume`;
    const db = join(dir, 'resume.duckdb');
    const journal = `${db}.studies/s1.jsonl`;
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 2 : 0);
    const search = ['--strategy', SLOW, '--data', DATA, '--method', 'tpe', '--trials', '12', '--seed', '7', '--pbo-splits', '0', '--workers', '2'];
    const a = worker(url);
    const b = worker(url);
    await waitUntil('both workers are seen', async () => (await workersSeen(url)) === 2);
    const coordinator = processes.spawn(['optimize', ...search, '--queue', url, '--db', db, '--json']);
    await waitUntil('some trials are journaled', () => lines() >= 4 || coordinator.exitCode !== null);
    coordinator.kill('SIGKILL');
    await coordinator.exited;
    const killedAt = lines();
    expect(killedAt).toBeGreaterThanOrEqual(4);
    expect(killedAt).toBeLessThan(12);
    const resumed = rrr(['optimize', '--resume', 's1', '--queue', url, '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    // The same seed and the same trials in flight (2) give the same TPE study on two threads of this machine.
    const reference = rrr(['optimize', ...search, '--db', join(dir, 'resume-ref.duckdb'), '--json']);
    expect(reference.status, reference.stderr).toBe(0);
    expect(comparableSummary(resumed.json())).toEqual(comparableSummary(reference.json()));
    const study = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(study.state).toBe('complete');
    expect(study.trials.map((t) => t.number)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    expect(await Promise.all([stopProcess(a), stopProcess(b)])).toEqual([0, 0]);
  }, 120_000);

  it('Redis killed and restarted during a study (append-only persistence): the study completes with the same results', async () => {
    const url = `${bed.redis.url}?name=restart`;
    const search = ['--strategy', SLOW, '--data', DATA, '--grid', 'fast=5:40:5', '--grid', 'slow=45:150:15', '--pbo-splits', '0'];
    const a = worker(url);
    const b = worker(url);
    await waitUntil('both workers are seen', async () => (await workersSeen(url)) === 2);
    const coordinator = processes.spawn(['optimize', ...search, '--queue', url, '--db', join(dir, 'restart.duckdb'), '--json']);
    await waitUntil('a batch is done', async () => (await queueStatus(parseQueueUrl(url))).jobs.done > 0);
    await bed.redis.stop(true);
    await new Promise((r) => setTimeout(r, 500));
    await bed.redis.restart();
    expect(await coordinator.exited, coordinator.log()).toBe(0);
    const reference = rrr(['optimize', ...search, '--workers', '1', '--db', join(dir, 'restart-ref.duckdb'), '--json']);
    expect(reference.status, reference.stderr).toBe(0);
    expect(comparableSummary(JSON.parse(coordinator.out()))).toEqual(comparableSummary(reference.json()));
    expect(JSON.parse(coordinator.out()).trials).toMatchObject({ total: 64, finished: 64 });
    expect(await Promise.all([stopProcess(a), stopProcess(b)])).toEqual([0, 0]);
  }, 120_000);
});
