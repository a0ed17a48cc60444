/**
 * A sweep's trials on a piscina pool of worker threads. The bars go to the workers once, in shared memory
 * (one copy whatever the worker count); a task carries the spec, the range and a batch of trial parameters;
 * a batch's outputs come back packed in one transferred buffer. Each worker runs the same trial code as the
 * in-thread evaluator.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { workerEntry } from '../worker-entry.js';
import type { Bars } from '../../data/bars.js';
import { UserError } from '../../errors.js';
import { checkRange } from './in-thread.js';
import { unpackOutputs, type PackedOutputs } from './packed-results.js';
import { shareBars, type SharedBars } from './shared-bars.js';
import { runInCacheOrder } from './trial-order.js';
import type { BarRange, Evaluator, SweepSpec, TrialInput, TrialOutput } from './types.js';
import type { NeedsBars, WorkerData, WorkerProbe, WorkerTask, WorkerUserError } from './worker.js';

export interface PoolOptions {
  /** Bytes of indicator outputs each worker may keep (default DEFAULT_INDICATOR_CACHE_BYTES). */
  indicatorCacheBytes?: number;
  /** Most trials in one task (default 64): batches amortize the cost of a task; enough of them balance the load. */
  maxBatch?: number;
}

/**
 * Megabytes of young generation per worker. Measured with 2 workers, 4,000 sma-cross trials on 100,000 bars,
 * peak memory above the one copy of the data: 183-187 MB with 4, 202 with 8, ~290 with V8's default; 2 was
 * ~15% slower than the default, 4 and 8 within this busy machine's noise of it.
 */
const YOUNG_GENERATION_MB = 4;

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0].replace(/\.$/, '');
}

export class PoolEvaluator implements Evaluator {
  readonly concurrency: number;
  private pool?: Piscina;
  private starting?: Promise<void>;
  private shared?: SharedBars;
  private generation = 0;
  private length = 0;
  private closed = false;
  private readonly options: PoolOptions;

  constructor(workers = availableParallelism(), options: PoolOptions = {}) {
    if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`workers must be a whole number, 1 or more, not ${workers}.`);
    this.concurrency = workers;
    this.options = options;
  }

  /**
   * Starts the threads and loads their modules, before any bars: a command starts them first and reads its
   * data meanwhile. load() calls it when nobody did.
   */
  start(): Promise<void> {
    this.starting ??= this.open();
    return this.starting;
  }

  private async open(): Promise<void> {
    this.closed = false;
    const data: WorkerData = { indicatorCacheBytes: this.options.indicatorCacheBytes };
    this.pool = new Piscina({
      ...workerEntry(import.meta.url, 'worker'),
      minThreads: this.concurrency,
      maxThreads: this.concurrency,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: data,
      // A trial's garbage is mostly typed arrays whose bytes live outside the V8 heap and are freed only when
      // their small handles are collected: a smaller young generation collects them sooner (see below).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    // Piscina reports a message for a task it no longer tracks (one cut short by close()) as an 'error' event,
    // which would crash the process if nobody listened; the task's own promise has already said what happened.
    this.pool.on('error', () => {});
    await this.warm();
  }

  /** Makes these bars the data of the following runs, in shared memory (copied only if they are not there already). */
  async load(bars: readonly Bars[]): Promise<void> {
    if (bars.length === 0) throw new RangeError('load() needs at least one series of bars.');
    await this.start();
    this.shared = shareBars(bars);
    this.length = bars[0].length;
    this.generation++;
    await this.warm();
  }

  /**
   * One task per worker loading its modules, the bars and `strategy` when given: the next run pays none of it.
   * Piscina may hand two of them to one worker; a worker missed is sent the bars with its first batch.
   */
  async warm(strategy?: string): Promise<void> {
    const bars = this.shared ? { generation: this.generation, bars: this.shared } : {};
    await Promise.all(Array.from({ length: this.concurrency }, () => this.task({ kind: 'warm', strategy, ...bars })));
  }

  /** What each worker sees (shared buffers, cache counts): one answer per task sent, for tests and diagnostics. */
  async probe(): Promise<WorkerProbe[]> {
    if (!this.shared) throw new RangeError('load(bars) must come before probe().');
    return (await Promise.all(Array.from({ length: this.concurrency * 2 }, () => this.onBars({ kind: 'probe', generation: this.generation })))) as WorkerProbe[];
  }

  async run(spec: SweepSpec, range: BarRange, trials: readonly TrialInput[]): Promise<TrialOutput[]> {
    if (!this.pool || !this.shared) throw new RangeError('load(bars) must come before run().');
    checkRange(range, this.length);
    if (trials.length === 0) return [];
    // About four batches per worker, so a slow batch does not leave the other workers idle at the end; each
    // batch a compact block of the grid, so its worker's indicator cache serves most of it.
    const size = Math.max(1, Math.min(this.options.maxBatch ?? 64, Math.ceil(trials.length / (this.concurrency * 4))));
    const generation = this.generation;
    return runInCacheOrder(trials, async (ordered) => {
      const batches: TrialInput[][] = [];
      for (let i = 0; i < ordered.length; i += size) batches.push(ordered.slice(i, i + size));
      // Every batch settles before run() answers, so no batch of a failed run is still running afterwards.
      const settled = await Promise.allSettled(batches.map((batch) => this.onBars({ kind: 'run', spec, range, trials: batch, generation }) as Promise<PackedOutputs>));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.flatMap((s) => unpackOutputs(spec, (s as PromiseFulfilledResult<PackedOutputs>).value));
    });
  }

  /** Stops the workers at once, a batch under way included; run() calls still waiting reject. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    this.starting = undefined;
    this.shared = undefined;
    await pool?.destroy();
  }

  /** A task that needs the bars: sent again with them to a worker that does not hold them yet. */
  private async onBars(task: Extract<WorkerTask, { kind: 'run' | 'probe' }>): Promise<unknown> {
    const answer = await this.task(task);
    if (!(answer as Partial<NeedsBars> | null)?.needsBars) return answer;
    return this.task({ ...task, bars: this.shared });
  }

  private async task(task: WorkerTask): Promise<unknown> {
    const pool = this.pool;
    if (!pool) throw new RangeError('load(bars) must come before run().');
    let answer: unknown;
    try {
      answer = await pool.run(task);
    } catch (error) {
      if (this.closed) throw new UserError('The sweep was stopped before this batch of trials finished.', { exitCode: 1, code: 'RRR_SWEEP_STOPPED' });
      throw new UserError(`A sweep worker failed: ${firstLine(error)}.`, { exitCode: 1, code: 'RRR_WORKER_FAILED', cause: error });
    }
    const refused = (answer as Partial<WorkerUserError> | null)?.userError;
    if (refused) throw new UserError(refused.message, { code: refused.code, exitCode: refused.exitCode });
    return answer;
  }
}
