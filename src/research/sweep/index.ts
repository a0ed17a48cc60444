/** Running a sweep's trials: in this thread, or on a pool of worker threads sharing the bars. */
import { InThreadEvaluator } from './in-thread.js';
import { PoolEvaluator, type PoolOptions } from './pool.js';
import type { Evaluator } from './types.js';

/** An evaluator with `workers` threads: 1 runs in this thread, more on a worker pool sharing the bars. */
export async function createEvaluator(workers: number, options: PoolOptions = {}): Promise<Evaluator> {
  // Any other count, a bad one included, goes to the pool, which refuses what it cannot run.
  return workers === 1 ? new InThreadEvaluator({ indicatorCacheBytes: options.indicatorCacheBytes }) : new PoolEvaluator(workers, options);
}

export { InThreadEvaluator, runTrial, equityReturns } from './in-thread.js';
export { PoolEvaluator, type PoolOptions } from './pool.js';
export { shareBars, sharedBarsView, toSharedBars, type SharedBars } from './shared-bars.js';
export type { BarRange, Evaluator, SweepSpec, SweepThreads, TrialInput, TrialOutput } from './types.js';
