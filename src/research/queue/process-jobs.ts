/**
 * One worker thread of `rrr worker`: a BullMQ Worker taking one batch at a time. It checks that the batch was
 * published by the same rrr version with the same strategy code it has, fetches the bars once per content,
 * and runs the trials with the InThreadEvaluator (the one runTrial) a sweep in one process uses.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { isUserError } from '../../errors.js';
import { InThreadEvaluator } from '../sweep/in-thread.js';
import type { TrialOutput } from '../sweep/types.js';
import { keyPrefix, redisClient, type RedisCommands } from './connection.js';
import { fetchBars } from './data.js';
import { rrrVersion, strategyFingerprint } from './fingerprint.js';
import { encodeResult, type TrialJob, type TrialJobResult } from './jobs.js';
import type { RedisTarget } from './url.js';

export interface ProcessOptions {
  /** Seconds a batch's lock lasts without renewal, and how often stalled batches are looked for: a killed worker's batch runs again after about twice this. */
  stallSeconds: number;
  /** Names this worker in results and refusals. */
  worker: string;
  /** Called after each batch (done) or refusal (the sentence). */
  onJob?(event: { kind: 'done'; trials: number } | { kind: 'refused'; message: string }): void;
}

export class JobProcessor {
  private readonly evaluator = new InThreadEvaluator();
  private loaded?: string;
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

  /** Why this worker must not run the batch, as a sentence; undefined when it may. */
  refusal(job: TrialJob): string | undefined {
    const where = `Worker ${this.options.worker}`;
    if (job.format !== 1) return `${where} does not know this job format (${String(job.format)}): run the same rrr version on the coordinator and every worker.`;
    if (job.rrrVersion !== rrrVersion()) return `${where} runs rrr ${rrrVersion()} and the study was published by rrr ${job.rrrVersion}: run the same rrr version on the coordinator and every worker.`;
    const strategy = job.spec.strategy;
    if (!this.codes.has(strategy)) this.codes.set(strategy, strategyFingerprint(strategy));
    const code = this.codes.get(strategy);
    if (code === undefined) return `${where} has no strategy file ${strategy}: workers run only strategies they can load locally, so put the same file at the same path on every worker machine.`;
    if (code !== job.code) return `${where} has a different ${job.spec.strategy.startsWith('/') ? `strategy file ${strategy}` : 'strategy'} than the coordinator (${code.slice(0, 19)} here, ${job.code.slice(0, 19)} there): give the coordinator and every worker the same file.`;
    return undefined;
  }

  async process(job: TrialJob): Promise<TrialJobResult> {
    const refused = this.refusal(job);
    if (refused !== undefined) throw new UnrecoverableError(refused);
    const started = performance.now();
    try {
      if (this.loaded !== job.data) {
        await this.evaluator.load(await fetchBars(await this.redis, this.prefix, job.data));
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
  const worker = new Worker(
    target.queue,
    async (job: Job<TrialJob, TrialJobResult>) => {
      try {
        const result = await processor.process(job.data);
        options.onJob?.({ kind: 'done', trials: job.data.trials.length });
        return result;
      } catch (error) {
        if (error instanceof UnrecoverableError) options.onJob?.({ kind: 'refused', message: error.message });
        throw error;
      }
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
      await worker.close();
      await processor.close();
      await connection.quit().catch(() => {});
    },
  };
}
