/**
 * The queue as one more Evaluator beside the in-thread one and the thread pool: load() publishes the bars
 * to Redis once, run() enqueues the trials as BullMQ jobs and waits for their results, which `rrr worker`
 * processes on any machine compute with the same runTrial. The search loop above it is unchanged, so a
 * queue run proposes, ranks and records exactly what a run in one process does.
 */
import type { Bars } from '../../data/bars.js';
import { UserError } from '../../errors.js';
import { checkRange } from '../sweep/in-thread.js';
import type { BarRange, Evaluator, SweepSpec, TrialInput, TrialOutput } from '../sweep/types.js';
import { QueueCoordinator, type CoordinatorOptions } from './coordinator.js';
import { encodeBars } from './data.js';
import { rrrVersion, strategyFingerprint } from './fingerprint.js';
import { JOB_NAME, decodeResult, jobId, type TrialJob, type TrialJobResult } from './jobs.js';
import type { RedisTarget } from './url.js';

export interface QueueEvaluatorOptions extends CoordinatorOptions {
  /** Trials kept in flight at once: --workers, or the worker threads seen on the queue when the run began. */
  concurrency?: number;
  /** Milliseconds a batch should take on a worker, so round trips stay a small part of it (default 250). */
  targetBatchMs?: number;
}

export class QueueEvaluator implements Evaluator {
  private length = 0;
  private data?: string;
  private readonly codes = new Map<string, string>();
  /** Measured milliseconds per trial on a worker (undefined until the first batch returns). */
  private msPerTrial?: number;

  private constructor(
    private readonly coordinator: QueueCoordinator,
    private readonly options: QueueEvaluatorOptions,
    readonly concurrency: number,
  ) {}

  /** Checks Redis, refuses a queue busy with another study, and settles the concurrency. */
  static async open(target: RedisTarget, options: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    const coordinator = await QueueCoordinator.open(target, options);
    return new QueueEvaluator(coordinator, options, options.concurrency ?? (await coordinator.workerThreads()));
  }

  /** Names a study created after open() (its id comes from the store). */
  setStudy(study: string, resumeHint?: string): void {
    this.coordinator.setStudy(study, resumeHint);
  }

  async load(bars: readonly Bars[]): Promise<void> {
    if (bars.length === 0) throw new RangeError('load() needs at least one series of bars.');
    this.length = bars[0].length;
    this.data = await this.coordinator.publish(encodeBars(bars));
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
    const study = this.coordinator.study;
    if (study === undefined) throw new RangeError('setStudy() must name the study before run().');
    checkRange(range, this.length);
    if (trials.length === 0) return [];
    const size = this.batchSize(trials.length);
    const jobs: TrialJob[] = [];
    for (let i = 0; i < trials.length; i += size) {
      jobs.push({ format: 1, study, data: this.data, rrrVersion: rrrVersion(), code: this.code(spec.strategy), spec, range, trials: trials.slice(i, i + size) });
    }
    const results = await this.coordinator.runJobs<TrialJob, TrialJobResult>(JOB_NAME, jobs, jobs.map(jobId));
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

  close(): Promise<void> {
    return this.coordinator.close();
  }
}
