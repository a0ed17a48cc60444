/**
 * The queue as one more Evaluator beside the in-thread one and the thread pool: load() publishes the bars
 * to Redis once, run() enqueues the trials as BullMQ jobs and waits for their results, which `rrr worker`
 * processes on any machine compute with the same runTrial. The search loop above it is unchanged, so a
 * queue run proposes, ranks and records exactly what a run in one process does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, Queue } from 'bullmq';
import type { Bars } from '../../data/bars.js';
import { UserError } from '../../errors.js';
import { checkRange } from '../sweep/in-thread.js';
import type { BarRange, Evaluator, SweepSpec, TrialInput, TrialOutput } from '../sweep/types.js';
import { checkRedis, command, keyPrefix, redisClient, type RedisCommands } from './connection.js';
import { publishBars } from './data.js';
import { rrrVersion, strategyFingerprint } from './fingerprint.js';
import { JOB_NAME, decodeResult, jobId, type TrialJob, type TrialJobResult } from './jobs.js';
import type { RedisTarget } from './url.js';
import { listWorkers } from './workers.js';

export interface QueueEvaluatorOptions {
  /**
   * Names the study in its jobs (rrr queue status shows it; a queue busy with another study is refused).
   * Undefined for a study not created yet (setStudy names it): then any unfinished job is another study's.
   */
  study?: string;
  /** Trials kept in flight at once: --workers, or the worker threads seen on the queue when the run began. */
  concurrency?: number;
  /** The command that continues the study, for the sentence printed when Redis is lost for good. */
  resumeHint?: string;
  /** How long Redis may be unreachable before the run stops (default 60 s). */
  outageMs?: number;
  /** Milliseconds a batch should take on a worker, so round trips stay a small part of it (default 250). */
  targetBatchMs?: number;
}

/** Unfinished job states: a queue holding these for another study is busy. */
const UNFINISHED = ['waiting', 'active', 'delayed', 'prioritized'] as const;

const KEEP_COMPLETED_SECONDS = 24 * 3600;
const KEEP_FAILED_SECONDS = 7 * 24 * 3600;

export class QueueEvaluator implements Evaluator {
  readonly concurrency: number;
  private readonly queue: Queue;
  private readonly redis: RedisCommands;
  private readonly connection: RedisCommands;
  private readonly Job: typeof Job;
  private readonly prefix: string;
  private bars: readonly Bars[] = [];
  private data?: string;
  private length = 0;
  private readonly codes = new Map<string, string>();
  /** Measured milliseconds per trial on a worker (undefined until the first batch returns). */
  private msPerTrial?: number;
  private study?: string;
  private resumeHint?: string;

  private constructor(
    private readonly target: RedisTarget,
    private readonly options: QueueEvaluatorOptions,
    concurrency: number,
    clients: { redis: RedisCommands; connection: RedisCommands; bullmq: typeof import('bullmq') },
  ) {
    this.concurrency = concurrency;
    this.study = options.study;
    this.resumeHint = options.resumeHint;
    this.redis = clients.redis;
    this.prefix = keyPrefix(target);
    // BullMQ leaves a connection it was given open: close() quits it.
    this.connection = clients.connection;
    this.Job = clients.bullmq.Job;
    this.queue = new clients.bullmq.Queue(target.queue, { connection: this.connection as never });
    this.queue.on('error', () => {});
  }

  /** Checks Redis, refuses a queue busy with another study, and settles the concurrency. */
  static async open(target: RedisTarget, options: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    await checkRedis(target);
    const bullmq = await import('bullmq');
    const redis = await redisClient(target);
    let concurrency = options.concurrency;
    if (concurrency === undefined) {
      const seen = await listWorkers(redis, keyPrefix(target));
      concurrency = Math.max(1, seen.reduce((sum, w) => sum + w.concurrency, 0));
    }
    const evaluator = new QueueEvaluator(target, options, concurrency, { redis, connection: await redisClient(target), bullmq });
    try {
      await evaluator.refuseOtherStudies();
    } catch (error) {
      await evaluator.close();
      throw error;
    }
    return evaluator;
  }

  /** Names a study created after open() (its id comes from the store). */
  setStudy(study: string, resumeHint?: string): void {
    this.study = study;
    if (resumeHint !== undefined) this.resumeHint = resumeHint;
  }

  private async refuseOtherStudies(): Promise<void> {
    const jobs = await this.queue.getJobs([...UNFINISHED], 0, 99);
    const other = jobs.find((j) => j && (j.data as Partial<TrialJob>)?.study !== this.study);
    if (other) {
      const study = (other.data as Partial<TrialJob>)?.study ?? 'unknown';
      throw new UserError(
        `The queue "${this.target.queue}" at ${this.target.display} holds unfinished jobs of ${study}: let them finish (see "rrr queue status --queue ${this.target.display}"), or give this study its own queue with ?name=OTHER at the end of the --queue URL.`,
        { exitCode: 1, code: 'RRR_QUEUE_BUSY' },
      );
    }
  }

  async load(bars: readonly Bars[]): Promise<void> {
    if (bars.length === 0) throw new RangeError('load() needs at least one series of bars.');
    this.bars = [...bars];
    this.length = bars[0].length;
    this.data = await publishBars(this.redis, this.prefix, this.bars);
  }

  private code(strategy: string): string {
    let code = this.codes.get(strategy);
    if (code === undefined) {
      code = strategyFingerprint(strategy);
      if (code === undefined) throw new UserError(`The strategy file ${strategy} is not there any more: the study cannot be published without it.`, { exitCode: 1 });
      this.codes.set(strategy, code);
    }
    return code;
  }

  /**
   * Trials per job: about targetBatchMs of work each, yet at least two jobs per worker to share the load, and
   * at most 32 per worker: a job costs a few milliseconds of bookkeeping, and the time per trial may have been
   * measured on cold workers.
   */
  batchSize(trials: number): number {
    const fair = Math.max(1, Math.ceil(trials / (2 * this.concurrency)));
    const fewest = Math.ceil(trials / (32 * this.concurrency));
    if (this.msPerTrial === undefined) return Math.max(fewest, Math.min(fair, Math.max(1, Math.ceil(trials / (4 * this.concurrency))), 64));
    const timed = Math.max(1, Math.round((this.options.targetBatchMs ?? 250) / Math.max(this.msPerTrial, 1e-3)));
    return Math.max(fewest, Math.min(fair, timed, 4096));
  }

  async run(spec: SweepSpec, range: BarRange, trials: readonly TrialInput[]): Promise<TrialOutput[]> {
    if (this.data === undefined) throw new RangeError('load(bars) must come before run().');
    if (this.study === undefined) throw new RangeError('setStudy() must name the study before run().');
    const study = this.study;
    checkRange(range, this.length);
    if (trials.length === 0) return [];
    const size = this.batchSize(trials.length);
    const jobs: TrialJob[] = [];
    for (let i = 0; i < trials.length; i += size) {
      jobs.push({ format: 1, study, data: this.data, rrrVersion: rrrVersion(), code: this.code(spec.strategy), spec, range, trials: trials.slice(i, i + size) });
    }
    const ids = jobs.map(jobId);
    const began = Date.now();
    await this.whileReachable(() => this.add(jobs, ids));
    const results = await this.collect(jobs, ids, began);
    let ms = 0;
    let count = 0;
    const outputs: TrialOutput[] = [];
    results.forEach((r, k) => {
      ms += r.ms;
      count += jobs[k].trials.length;
      outputs.push(...decodeResult(spec, r));
    });
    if (count > 0) this.msPerTrial = ms / count;
    return outputs;
  }

  private add(jobs: readonly TrialJob[], ids: readonly string[]): Promise<unknown> {
    return this.queue.addBulk(
      jobs.map((data, k) => ({
        name: JOB_NAME,
        data,
        // Retried: a batch cut short by a lost connection; never retried: a refusal (UnrecoverableError).
        opts: { jobId: ids[k], attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: KEEP_COMPLETED_SECONDS }, removeOnFail: { age: KEEP_FAILED_SECONDS } },
      })),
    );
  }

  /**
   * Waits for every job. Each poll is one ZMSCORE per finished-set (cheap whatever the number of jobs);
   * only finished jobs are read. A job Redis lost (restarted without persistence) is published and enqueued again.
   */
  private async collect(jobs: readonly TrialJob[], ids: readonly string[], began: number): Promise<TrialJobResult[]> {
    const results: (TrialJobResult | undefined)[] = ids.map(() => undefined);
    const retried = new Set<string>();
    let left = ids.length;
    let delay = 2;
    let lastLostCheck = Date.now();
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
          // A batch that failed before this run (an earlier refusal) is given one more chance.
          if (job.timestamp < began && !retried.has(ids[k])) {
            retried.add(ids[k]);
            await this.whileReachable(() => job.retry('failed'));
            continue;
          }
          const reason = job.failedReason ?? 'no reason given';
          throw new UserError(reason.endsWith('.') ? reason : `A queue worker failed on a batch of trials: ${reason}.`, { exitCode: 1, code: 'RRR_QUEUE_JOB_FAILED' });
        }
        results[k] = job.returnvalue as TrialJobResult;
        left--;
        progressed = true;
      }
      if (left === 0) break;
      // Now and then: are the jobs still there at all?
      if (Date.now() - lastLostCheck > 2000) {
        lastLostCheck = Date.now();
        const still = open.filter((k) => results[k] === undefined);
        const exists = (await this.whileReachable(() => Promise.all(still.map((k) => command(this.redis, 'EXISTS', [this.queue.toKey(ids[k])]))))) as number[];
        const lost = still.filter((_, i) => exists[i] === 0);
        if (lost.length > 0) {
          await this.whileReachable(async () => {
            await publishBars(this.redis, this.prefix, this.bars);
            await this.add(lost.map((k) => jobs[k]), lost.map((k) => ids[k]));
          });
        }
      }
      delay = progressed ? 2 : Math.min(50, delay * 2);
      await sleep(delay);
    }
    return results as TrialJobResult[];
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
          throw new UserError(`Lost the connection to Redis at ${this.target.display} for ${Math.round(limit / 1000)} s: the finished trials are kept; start Redis again and ${this.resumeHint ? `run "${this.resumeHint}"` : 'run the command again'}.`, { exitCode: 1, code: 'RRR_QUEUE_LOST', cause: error });
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
