/**
 * `rrr montecarlo --queue`: a study's paths cut into contiguous slices, one job each, run by `rrr worker`
 * processes with the same monteCarlo as one thread and merged by mergeMonteCarlo, so the result is the
 * single-machine result bit for bit. The resampled series is published once by content, like a sweep's bars.
 */
import { mergeMonteCarlo, monteCarlo, type MonteCarloOptions, type MonteCarloResult } from '../montecarlo/montecarlo.js';
import { pathSlices, sliceOptions } from '../montecarlo/parallel.js';
import { QueueCoordinator, type CoordinatorOptions } from './coordinator.js';
import { bytesFloat64, float64Bytes } from './data.js';
import { rrrVersion } from './fingerprint.js';
import { jobId } from './jobs.js';
import { fromTypedJson, toTypedJson } from './typed-json.js';
import type { RedisTarget } from './url.js';

export const MONTE_CARLO_JOB = 'montecarlo';

/**
 * A worker runs a slice without yielding, so its batch's lock is not renewed meanwhile: a slice holds at most
 * this many path steps (paths x trades or bars), some 50 ms of work, well within the shortest --stall-interval.
 */
export const MAX_STEPS_PER_JOB = 10_000_000;

export interface MonteCarloJob {
  /** Format version: a worker refuses jobs of another format. */
  format: 1;
  study: string;
  /** SHA-256 of the published series (data.ts). */
  data: string;
  rrrVersion: string;
  /** Which series the published bytes are. */
  series: 'trades' | 'returns';
  /** The study's options but the series and the slice (sliceOptions: the block length is fixed). */
  options: Omit<MonteCarloOptions, 'trades' | 'returns' | 'pathRange'>;
  pathRange: [number, number];
}

/** The series a method resamples: closed trades for permute and bootstrap, per-bar returns for the others. */
function seriesOf(method: MonteCarloOptions['method']): 'trades' | 'returns' {
  return method === 'permute' || method === 'bootstrap' ? 'trades' : 'returns';
}

/** A worker's share: the slice's result, typed arrays and all, as text (BullMQ keeps return values as JSON). */
export function runMonteCarloJob(job: MonteCarloJob, bytes: Buffer): string {
  return toTypedJson(monteCarlo({ ...job.options, [job.series]: bytesFloat64(bytes), pathRange: job.pathRange }));
}

export interface MonteCarloQueue {
  /** Runs the whole study (options without pathRange) on the queue's workers. Throws UserError for bad input. */
  run(options: MonteCarloOptions): Promise<MonteCarloResult>;
  close(): Promise<void>;
}

/**
 * Opens the queue for one Monte Carlo study (Redis checked, a queue busy with another study refused) before
 * the backtest runs. `batches`: the jobs the paths are cut into (default four per worker thread seen, so the
 * load evens out, or more to keep each within MAX_STEPS_PER_JOB; never more than one per path).
 */
export async function openMonteCarloQueue(target: RedisTarget, options: CoordinatorOptions & { study: string; batches?: number }): Promise<MonteCarloQueue> {
  const coordinator = await QueueCoordinator.open(target, options);
  return {
    async run(study) {
      const shared = sliceOptions(study);
      const series = seriesOf(study.method);
      const { trades: _trades, returns: _returns, pathRange: _all, ...rest } = shared;
      const data = await coordinator.publish(float64Bytes(shared[series]!));
      const steps = shared[series]!.length;
      const batches = options.batches ?? Math.max(4 * (await coordinator.workerThreads()), Math.ceil((study.runs * steps) / MAX_STEPS_PER_JOB));
      const jobs: MonteCarloJob[] = pathSlices(study.runs, batches).map((pathRange) => ({ format: 1, study: options.study, data, rrrVersion: rrrVersion(), series, options: rest, pathRange }));
      const parts = await coordinator.runJobs<MonteCarloJob, string>(MONTE_CARLO_JOB, jobs, jobs.map(jobId));
      return mergeMonteCarlo(parts.map((text) => fromTypedJson<MonteCarloResult>(text)));
    },
    close: () => coordinator.close(),
  };
}
