/**
 * The coordinator's side of the queue, whatever its jobs hold (trial batches of a sweep, path slices of a Monte
 * Carlo study): checks Redis and refuses a queue busy with another study, publishes the data once by content,
 * enqueues jobs and waits for their results through Redis outages, lost jobs and workers that cannot take them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, Queue } from 'bullmq';
import { UserError } from '../../errors.js';
import { checkRedis, command, keyPrefix, redisClient, type RedisCommands } from './connection.js';
import { publishBytes } from './data.js';
import type { RedisTarget } from './url.js';
import { listWorkers } from './workers.js';

export interface CoordinatorOptions {
  /**
   * Names the study in its jobs (rrr queue status shows it; a queue busy with another study is refused).
   * Undefined for a study not created yet (setStudy names it): then any unfinished job is another study's.
   */
  study?: string;
  /** The command that continues the study, for the sentence printed when Redis is lost for good. */
  resumeHint?: string;
  /** How long Redis may be unreachable before the run stops (default 60 s). */
  outageMs?: number;
  /**
   * Told, once each time the reason changes, when the jobs wait because no worker is there or every worker
   * refuses the study (fingerprint mismatch): a sentence saying what to start. The run keeps waiting.
   */
  onWait?(message: string): void;
}

/** What every job carries: the study it belongs to (the rest is the job kind's own). */
export interface StudyJob {
  study: string;
}

/** Unfinished job states: a queue holding these for another study is busy. */
const UNFINISHED = ['waiting', 'active', 'delayed', 'prioritized'] as const;

const KEEP_COMPLETED_SECONDS = 24 * 3600;
const KEEP_FAILED_SECONDS = 7 * 24 * 3600;

/** How long a study may make no progress before the coordinator looks at the workers and says why. */
const STALL_CHECK_MS = 2000;

export class QueueCoordinator {
  private readonly queue: Queue;
  private readonly Job: typeof Job;
  private readonly prefix: string;
  /** Everything published, by hash: published again when Redis lost it (restarted without persistence). */
  private readonly published = new Map<string, Buffer>();
  private studyName?: string;
  private resumeHint?: string;

  private constructor(
    readonly target: RedisTarget,
    private readonly options: CoordinatorOptions,
    private readonly redis: RedisCommands,
    // BullMQ leaves a connection it was given open: close() quits it.
    private readonly connection: RedisCommands,
    bullmq: typeof import('bullmq'),
  ) {
    this.studyName = options.study;
    this.resumeHint = options.resumeHint;
    this.prefix = keyPrefix(target);
    this.Job = bullmq.Job;
    this.queue = new bullmq.Queue(target.queue, { connection: connection as never });
    this.queue.on('error', () => {});
  }

  /** Checks Redis and refuses a queue busy with another study. */
  static async open(target: RedisTarget, options: CoordinatorOptions): Promise<QueueCoordinator> {
    await checkRedis(target);
    const bullmq = await import('bullmq');
    const coordinator = new QueueCoordinator(target, options, await redisClient(target), await redisClient(target), bullmq);
    try {
      await coordinator.refuseOtherStudies();
    } catch (error) {
      await coordinator.close();
      throw error;
    }
    return coordinator;
  }

  get study(): string | undefined {
    return this.studyName;
  }

  /** Names a study created after open() (its id comes from the store). */
  setStudy(study: string, resumeHint?: string): void {
    this.studyName = study;
    if (resumeHint !== undefined) this.resumeHint = resumeHint;
  }

  /** The worker threads seen on the queue now (at least 1: a study waits for workers rather than refusing). */
  async workerThreads(): Promise<number> {
    const seen = await listWorkers(this.redis, this.prefix);
    return Math.max(1, seen.reduce((sum, w) => sum + w.concurrency, 0));
  }

  private async refuseOtherStudies(): Promise<void> {
    const jobs = await this.queue.getJobs([...UNFINISHED], 0, 99);
    const other = jobs.find((j) => j && (j.data as Partial<StudyJob>)?.study !== this.studyName);
    if (other) {
      const study = (other.data as Partial<StudyJob>)?.study ?? 'unknown';
      throw new UserError(
        `The queue "${this.target.queue}" at ${this.target.display} holds unfinished jobs of ${study}: let them finish (see "rrr queue status --queue ${this.target.display}"), or give this study its own queue with ?name=OTHER at the end of the --queue URL.`,
        { exitCode: 1, code: 'RRR_QUEUE_BUSY' },
      );
    }
  }

  /** Publishes `bytes` (once per content) and returns their hash, the name jobs refer to them by. */
  async publish(bytes: Buffer): Promise<string> {
    const hash = await this.whileReachable(() => publishBytes(this.redis, this.prefix, bytes));
    this.published.set(hash, bytes);
    return hash;
  }

  /**
   * Enqueues `jobs` (named `name`, with ids that hash what decides their results) and waits for all their
   * results, in order. A job that fails throws its reason as a UserError.
   */
  async runJobs<D extends StudyJob, R>(name: string, jobs: readonly D[], ids: readonly string[]): Promise<R[]> {
    const began = Date.now();
    await this.whileReachable(() => this.add(name, jobs, ids));
    return this.collect<D, R>(name, jobs, ids, began);
  }

  private add(name: string, jobs: readonly StudyJob[], ids: readonly string[]): Promise<unknown> {
    return this.queue.addBulk(
      jobs.map((data, k) => ({
        name,
        data,
        // Retried: a job cut short by a lost connection; never retried: a refusal (UnrecoverableError).
        opts: { jobId: ids[k], attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: KEEP_COMPLETED_SECONDS }, removeOnFail: { age: KEEP_FAILED_SECONDS } },
      })),
    );
  }

  /**
   * Waits for every job. Each poll is one ZMSCORE per finished-set (cheap whatever the number of jobs);
   * only finished jobs are read. A job Redis lost (restarted without persistence) is published and enqueued again.
   */
  private async collect<D extends StudyJob, R>(name: string, jobs: readonly D[], ids: readonly string[], began: number): Promise<R[]> {
    const results: (R | undefined)[] = ids.map(() => undefined);
    const retried = new Set<string>();
    let left = ids.length;
    let delay = 2;
    let lastLostCheck = Date.now();
    let lastProgress = Date.now();
    let told: string | undefined;
    while (left > 0) {
      const open = ids.map((_, k) => k).filter((k) => results[k] === undefined);
      const openIds = open.map((k) => ids[k]);
      const [completed, failed] = await this.whileReachable(() =>
        Promise.all([command(this.redis, 'ZMSCORE', [this.queue.toKey('completed'), ...openIds]), command(this.redis, 'ZMSCORE', [this.queue.toKey('failed'), ...openIds])]),
      ) as [(string | null)[], (string | null)[]];
      let progressed = false;
      for (let i = 0; i < open.length; i++) {
        const k = open[i];
        if (completed[i] === null && failed[i] === null) continue;
        const job = await this.whileReachable(() => this.Job.fromId(this.queue, ids[k]));
        if (!job?.finishedOn) continue;
        if (failed[i] !== null && job.returnvalue == null) {
          // A job that failed before this run (one cut short by an earlier fault) is given one more chance.
          if (job.timestamp < began && !retried.has(ids[k])) {
            retried.add(ids[k]);
            await this.whileReachable(() => job.retry('failed'));
            continue;
          }
          const reason = job.failedReason ?? 'no reason given';
          throw new UserError(reason.endsWith('.') ? reason : `A queue worker failed on a job: ${reason}.`, { exitCode: 1, code: 'RRR_QUEUE_JOB_FAILED' });
        }
        results[k] = job.returnvalue as R;
        left--;
        progressed = true;
      }
      if (left === 0) break;
      if (progressed) lastProgress = Date.now();
      else if (Date.now() - lastProgress > STALL_CHECK_MS && this.options.onWait) {
        lastProgress = Date.now();
        const why = await this.whileReachable(() => this.whyWaiting());
        if (why !== undefined && why !== told) this.options.onWait(why);
        told = why;
      }
      // Now and then: are the jobs still there at all?
      if (Date.now() - lastLostCheck > 2000) {
        lastLostCheck = Date.now();
        const still = open.filter((k) => results[k] === undefined);
        const exists = (await this.whileReachable(() => Promise.all(still.map((k) => command(this.redis, 'EXISTS', [this.queue.toKey(ids[k])]))))) as number[];
        const lost = still.filter((_, i) => exists[i] === 0);
        if (lost.length > 0) {
          await this.whileReachable(async () => {
            for (const bytes of this.published.values()) await publishBytes(this.redis, this.prefix, bytes);
            await this.add(name, lost.map((k) => jobs[k]), lost.map((k) => ids[k]));
          });
        }
      }
      delay = progressed ? 2 : Math.min(50, delay * 2);
      await sleep(delay);
    }
    return results as R[];
  }

  /** Why no job of the study is being run, when no worker can take it; undefined when some worker could. */
  private async whyWaiting(): Promise<string | undefined> {
    const workers = await listWorkers(this.redis, this.prefix);
    const where = `queue "${this.target.queue}" at ${this.target.display}`;
    if (workers.length === 0) return `Waiting for workers: none is on ${where}; start some with "rrr worker --queue ${this.target.display}".`;
    const refusals = workers.map((w) => w.refused?.find((r) => r.study === this.studyName));
    if (refusals.some((r) => r === undefined)) return undefined;
    const count = workers.length === 1 ? 'the one worker' : `all ${workers.length} workers`;
    return `Waiting for a matching worker: ${count} on ${where} refuse${workers.length === 1 ? 's' : ''} ${this.studyName} for a fingerprint mismatch (${refusals[0]!.reason.replace(/\.$/, '')}).`;
  }

  /** Runs `step`, retrying while Redis is unreachable, for at most outageMs. */
  private async whileReachable<T>(step: () => Promise<T>): Promise<T> {
    const since = Date.now();
    const limit = this.options.outageMs ?? 60_000;
    for (;;) {
      try {
        return await step();
      } catch (error) {
        if (error instanceof UserError) throw error;
        if (Date.now() - since > limit) {
          const next = this.resumeHint ? `the finished trials are kept; start Redis again and run "${this.resumeHint}"` : 'start Redis again and run the command again';
          throw new UserError(`Lost the connection to Redis at ${this.target.display} for ${Math.round(limit / 1000)} s: ${next}.`, { exitCode: 1, code: 'RRR_QUEUE_LOST', cause: error });
        }
        await sleep(250);
      }
    }
  }

  /** Closes the connections; a Redis that is gone does not keep the command from exiting (5 s at most). */
  async close(): Promise<void> {
    const closing = (async () => {
      await this.queue.close().catch(() => {});
      await this.connection.quit().catch(() => {});
      await this.redis.quit().catch(() => {});
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    this.connection.disconnect();
    this.redis.disconnect();
  }
}
