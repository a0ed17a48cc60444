/**
 * One worker thread of `rrr worker`: a BullMQ Worker taking one batch at a time. It checks that the batch was
 * published by the same rrr version with the same strategy code it has, fetches the bars once per content,
 * and runs the trials with the InThreadEvaluator (the one runTrial) a sweep in one process uses.
 *
 * A batch it must not run (fingerprint mismatch) goes back to the waiting list untouched, for a worker that
 * matches, and the thread stops taking batches until the queue holds one it would accept: a mismatched worker
 * neither fails the study nor keeps snatching its batches from the workers that can run them.
 */
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { isUserError } from '../../errors.js';
import { InThreadEvaluator } from '../sweep/in-thread.js';
import type { TrialOutput } from '../sweep/types.js';
import { command, keyPrefix, redisClient, type RedisCommands } from './connection.js';
import { decodeBars, fetchBytes } from './data.js';
import { rrrVersion, strategyFingerprint } from './fingerprint.js';
import { encodeResult, type TrialJob, type TrialJobResult } from './jobs.js';
import { MONTE_CARLO_JOB, runMonteCarloJob, type MonteCarloJob } from './montecarlo-jobs.js';
import type { RedisTarget } from './url.js';

export interface ProcessOptions {
  /** Seconds a batch's lock lasts without renewal, and how often stalled batches are looked for: a killed worker's batch runs again after about twice this. */
  stallSeconds: number;
  /** Names this worker in results and refusals. */
  worker: string;
  /** Called after each batch (done) or refusal (its study and the sentence). */
  onJob?(event: JobEvent): void;
}

export type JobEvent = { kind: 'done' } | { kind: 'refused'; study: string; message: string };

/** How often a thread that put a batch back looks for one it would accept. */
const IDLE_POLL_MS = 500;

/** Any job of the queue: a sweep's batch of trials or a slice of a Monte Carlo study's paths. */
type QueueJob = TrialJob | MonteCarloJob;

export class JobProcessor {
  private readonly evaluator = new InThreadEvaluator();
  private loaded?: string;
  /** The last Monte Carlo series fetched: a study's slices share it. */
  private series?: { hash: string; bytes: Buffer };
  /** The code this thread loaded per strategy, fingerprinted when first loaded: what it really runs. */
  private readonly codes = new Map<string, string | undefined>();
  private readonly redis: Promise<RedisCommands>;
  private readonly prefix: string;

  constructor(
    target: RedisTarget,
    private readonly options: Pick<ProcessOptions, 'worker'>,
  ) {
    this.redis = redisClient(target);
    this.prefix = keyPrefix(target);
  }

  /** Why this worker must not run the job, as a sentence; undefined when it may. */
  refusal(job: QueueJob): string | undefined {
    const where = `Worker ${this.options.worker}`;
    if (job.format !== 1) return `${where} does not know this job format (${String(job.format)}): run the same rrr version on the coordinator and every worker.`;
    if (job.rrrVersion !== rrrVersion()) return `${where} runs rrr ${rrrVersion()} and the study was published by rrr ${job.rrrVersion}: run the same rrr version on the coordinator and every worker.`;
    // A Monte Carlo slice runs rrr's own code on published numbers: the version is all there is to match.
    if (!('spec' in job)) return undefined;
    const strategy = job.spec.strategy;
    if (!this.codes.has(strategy)) this.codes.set(strategy, strategyFingerprint(strategy));
    const code = this.codes.get(strategy);
    if (code === undefined) return `${where} has no strategy file ${strategy}: workers run only strategies they can load locally, so put the same file at the same path on every worker machine.`;
    if (code !== job.code) return `${where} has a different ${job.spec.strategy.startsWith('/') ? `strategy file ${strategy}` : 'strategy'} than the coordinator (${code.slice(0, 19)} here, ${job.code.slice(0, 19)} there): give the coordinator and every worker the same file.`;
    return undefined;
  }

  /**
   * Runs a slice of a Monte Carlo study (call refusal() first), in one go without yielding: the coordinator
   * keeps a slice within MAX_STEPS_PER_JOB path steps, which end well within a lock's renewal.
   */
  async processMonteCarlo(job: MonteCarloJob): Promise<string> {
    try {
      if (this.series?.hash !== job.data) this.series = { hash: job.data, bytes: await fetchBytes(await this.redis, this.prefix, job.data) };
      return runMonteCarloJob(job, this.series.bytes);
    } catch (error) {
      if (isUserError(error)) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  /** Runs a batch of trials this worker accepts (call refusal() first). */
  async process(job: TrialJob): Promise<TrialJobResult> {
    const started = performance.now();
    try {
      if (this.loaded !== job.data) {
        await this.evaluator.load(decodeBars(await fetchBytes(await this.redis, this.prefix, job.data)));
        this.loaded = job.data;
      }
      const outputs: TrialOutput[] = [];
      for (const trial of job.trials) {
        outputs.push(...(await this.evaluator.run(job.spec, job.range, [trial])));
        // Trials are CPU-bound: yielding between them lets the batch's lock be renewed on time.
        await yieldToEventLoop();
      }
      return encodeResult(job.spec, outputs, performance.now() - started, this.options.worker);
    } catch (error) {
      if (isUserError(error)) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  /**
   * Whether the next waiting batches (the ten BullMQ hands out first) include one this worker would run: a
   * thread that put a batch back waits for this before taking batches again.
   */
  async acceptsWaiting(worker: Worker): Promise<boolean> {
    const redis = await this.redis;
    const ids = (await command(redis, 'LRANGE', [worker.toKey('wait'), '-10', '-1'])) as string[];
    for (const id of ids) {
      const data = await command(redis, 'HGET', [worker.toKey(id), 'data']);
      if (typeof data !== 'string') continue;
      if (this.refusal(JSON.parse(data) as QueueJob) === undefined) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    await this.evaluator.close();
    await (await this.redis).quit().catch(() => {});
  }
}

/** Takes batches from the queue until stop() (which lets the batch in hand finish). */
export async function startJobWorker(target: RedisTarget, options: ProcessOptions): Promise<{ stop(): Promise<void> }> {
  const processor = new JobProcessor(target, options);
  const stallMs = Math.round(options.stallSeconds * 1000);
  // BullMQ leaves a connection it was given open: stop() quits it.
  const connection = await redisClient(target, `rrr-worker:${options.worker}`);
  let stopping = false;
  let idle: Promise<void> | undefined;
  /** Paused after putting a batch back: resumes once the queue holds a batch this thread accepts. */
  const waitForAcceptable = async () => {
    while (!stopping) {
      await sleep(IDLE_POLL_MS);
      if (stopping) return;
      if (await processor.acceptsWaiting(worker).catch(() => false)) {
        worker.resume();
        return;
      }
    }
  };
  const worker = new Worker(
    target.queue,
    async (job: Job<QueueJob, TrialJobResult | string>, token?: string) => {
      const refused = processor.refusal(job.data);
      if (refused !== undefined) {
        // Paused first, so the batch put back is not fetched again by this thread; resumed by waitForAcceptable
        // even if putting it back fails (then BullMQ retries the batch as one cut short).
        await worker.pause(true);
        idle = waitForAcceptable();
        await job.moveToWait(token);
        options.onJob?.({ kind: 'refused', study: job.data.study, message: refused });
        throw new WaitingError();
      }
      const data = job.data;
      const result = job.name === MONTE_CARLO_JOB ? await processor.processMonteCarlo(data as MonteCarloJob) : await processor.process(data as TrialJob);
      options.onJob?.({ kind: 'done' });
      return result;
    },
    {
      connection: connection as never,
      concurrency: 1,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      // A batch is stalled once by a killed worker, maybe again by a Redis restart: only a batch that keeps
      // killing its workers fails.
      maxStalledCount: 3,
      // After a lost connection (Redis restarted), try again in a second rather than BullMQ's 15.
      runRetryDelay: 1000,
    },
  );
  worker.on('error', () => {});
  return {
    async stop() {
      stopping = true;
      await idle;
      await worker.close();
      await processor.close();
      await connection.quit().catch(() => {});
    },
  };
}
