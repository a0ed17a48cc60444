/**
 * A Monte Carlo study split over worker threads: each runs a contiguous slice of the paths and
 * mergeMonteCarlo joins them, so the result is the one-thread result bit for bit, whatever the worker count.
 */
import { Piscina } from 'piscina';
import { workerEntry } from '../worker-entry.js';
import { UserError } from '../../errors.js';
import { mergeMonteCarlo, monteCarlo, type MonteCarloOptions, type MonteCarloResult } from './montecarlo.js';

/** [start, end) slices of [0, runs), as equal as whole paths allow, one per worker (fewer when runs < workers). */
export function pathSlices(runs: number, workers: number): [number, number][] {
  const count = Math.min(workers, runs);
  return Array.from({ length: count }, (_, k) => [Math.floor((k * runs) / count), Math.floor(((k + 1) * runs) / count)] as [number, number]);
}

/**
 * The options every slice of a study runs with: all of them checked first (a one-path slice costs one path),
 * and the block length fixed once for all slices. Throws UserError for bad input.
 */
export function sliceOptions(options: MonteCarloOptions): MonteCarloOptions {
  const probe = monteCarlo({ ...options, pathRange: [0, 1] });
  return { ...options, ...(probe.settings.blockLength === null ? {} : { blockLength: probe.settings.blockLength }) };
}

/**
 * monteCarlo over `workers` threads (1: in this thread). The options are checked here first, so a bad value
 * is refused before any thread starts. Throws UserError for bad input or a failed worker.
 */
export async function monteCarloParallel(options: MonteCarloOptions, workers: number): Promise<MonteCarloResult> {
  if (!(Number.isSafeInteger(workers) && workers >= 1)) throw new UserError(`workers must be a whole number, 1 or more, not ${workers}.`);
  if (options.pathRange !== undefined) throw new UserError('monteCarloParallel runs the whole study: leave pathRange out.');
  if (workers === 1 || options.runs === 1) return monteCarlo(options);
  const shared = sliceOptions(options);
  const slices = pathSlices(options.runs, workers);
  const pool = new Piscina({ ...workerEntry(import.meta.url, 'worker'), minThreads: slices.length, maxThreads: slices.length });
  try {
    const parts = await Promise.all(slices.map((pathRange) => pool.run({ ...shared, pathRange }) as Promise<MonteCarloResult>));
    return mergeMonteCarlo(parts);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`A Monte Carlo worker failed: ${String((error as Error)?.message ?? error).split('\n')[0].replace(/\.$/, '')}.`, { exitCode: 1, code: 'RRR_WORKER_FAILED', cause: error });
  } finally {
    await pool.destroy();
  }
}
