/**
 * A worker whose strategy code differs from the coordinator's (fingerprint mismatch), with real `rrr worker`
 * processes on a real redis-server. A worker thread fingerprints a strategy file when it first loads it, so
 * a file edited while a worker runs makes that worker a mismatched one, as on another machine with another
 * copy: it must say so once, run nothing of the study, leave its batches to a matching worker, and keep
 * serving the studies it matches.
 */
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { parseQueueUrl, queueStatus } from '../../src/research/queue/index.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { comparableSummary, crossStrategyFile, describeRedis, redisForTests, stopProcess, trackedProcesses, waitUntil, workersSeen, type Spawned } from '../helpers/redis.js';

const DATA = resolve('datasets/demo-a_1d.csv');
const dir = tempDir('rrr-queue-mismatch-');
const FILE = join(dir, 'edited-cross.ts');
const processes = trackedProcesses();

/** Two versions of one strategy file: the second trades the opposite crossing, so its results differ. */
function writeVersion(version: 1 | 2): void {
  const [a, b] = version === 1 ? ['fast', 'slow'] : ['slow', 'fast'];
  crossStrategyFile(FILE, 'edited-cross', `crossSignals(sma(bars.close, p.${a}), sma(bars.close, p.${b}))`);
}

const search = (db: string, grid: string) => ['optimize', '--strategy', FILE, '--data', DATA, '--grid', grid, '--grid', 'slow=40:100:20', '--pbo-splits', '0', '--db', join(dir, db), '--json'];
const statusOf = async (url: string, worker: Spawned) => (await queueStatus(parseQueueUrl(url))).workers.find((w) => w.pid === worker.pid)!;
const refusals = (worker: Spawned) => worker.log().split('\n').filter((line) => line.startsWith('Refused'));

describeRedis('a worker with another strategy file', () => {
  const bed = redisForTests(processes);

  it('puts the study back with one sentence and computes nothing; the coordinator says why it waits; a matching worker finishes it as one process would; the refuser serves the next study', async () => {
    const url = `${bed.redis.url}?name=mismatch`;
    writeVersion(1);
    const a = processes.worker(url);
    await waitUntil('worker a is seen', async () => (await workersSeen(url)) === 1);
    const first = rrr([...search('first.duckdb', 'fast=5:15:5'), '--queue', url]);
    expect(first.status, first.stderr).toBe(0);
    const aBatches = (await statusOf(url, a)).jobs;
    expect(aBatches).toBeGreaterThan(0);

    // Edited while worker a runs: a keeps the first version's code, the coordinator publishes the second.
    writeVersion(2);
    const coordinator = processes.spawn([...search('second.duckdb', 'fast=5:30:5'), '--queue', url]);
    await waitUntil('the coordinator says why it waits', () => coordinator.log().includes('Waiting for a matching worker'));
    const study = `study s1 in ${join(dir, 'second.duckdb')}`;
    expect(coordinator.log()).toContain(`Waiting for a matching worker: the one worker on queue "mismatch" at ${url} refuses ${study} for a fingerprint mismatch (Worker `);
    expect(coordinator.exitCode).toBe(null);
    expect((await statusOf(url, a)).fingerprintMismatch).toEqual([study]);
    const shown = rrr(['queue', 'status', '--queue', url]);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`fingerprint mismatch: ${study}`);
    expect(refusals(a)).toEqual([
      expect.stringMatching(new RegExp(`^Refused a batch: Worker \\S+ has a different strategy file ${FILE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} than the coordinator \\(sha256:\\w{12} here, sha256:\\w{12} there\\): give the coordinator and every worker the same file\\.$`)),
    ]);

    const b = processes.worker(url);
    expect(await coordinator.exited, coordinator.log()).toBe(0);
    const reference = rrr([...search('second-ref.duckdb', 'fast=5:30:5'), '--workers', '1']);
    expect(reference.status, reference.stderr).toBe(0);
    expect(comparableSummary(JSON.parse(coordinator.out()))).toEqual(comparableSummary(reference.json()));
    expect(JSON.parse(coordinator.out()).trials).toMatchObject({ total: 24, finished: 24 });
    // a ran nothing of it and said so once, though it was idle the whole time.
    expect((await statusOf(url, a)).jobs).toBe(aBatches);
    expect(refusals(a)).toHaveLength(1);
    expect((await queueStatus(parseQueueUrl(url))).jobs.failed).toBe(0);

    // Back to the first version: now b is the mismatched one, and a, which refused the last study, serves this one.
    writeVersion(1);
    const third = rrr([...search('third.duckdb', 'fast=5:15:5'), '--queue', url]);
    expect(third.status, third.stderr).toBe(0);
    const thirdRef = rrr([...search('third-ref.duckdb', 'fast=5:15:5'), '--workers', '1']);
    expect(comparableSummary(third.json())).toEqual(comparableSummary(thirdRef.json()));
    expect((await statusOf(url, a)).jobs).toBeGreaterThan(aBatches);
    const bBatches = (await statusOf(url, b)).jobs;
    expect(await Promise.all([stopProcess(a), stopProcess(b)])).toEqual([0, 0]);
    expect(refusals(a)).toHaveLength(1);
    expect(refusals(b)).toHaveLength(1);
    expect(b.log()).toContain(`stopped after ${bBatches} batch`);
  }, 120_000);
});
