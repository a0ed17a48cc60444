/**
 * Sweeps and Monte Carlo studies on BullMQ workers over Redis: the queue Evaluator a coordinator runs (optimize,
 * walkforward), the Monte Carlo queue (montecarlo), the `rrr worker` loop, and what `rrr queue status` shows.
 */
export { parseQueueUrl, redactUrl, type RedisTarget } from './url.js';
export { checkRedis } from './connection.js';
export { QueueCoordinator, type CoordinatorOptions } from './coordinator.js';
export { QueueEvaluator, type QueueEvaluatorOptions } from './evaluator.js';
export { openMonteCarloQueue, type MonteCarloQueue } from './montecarlo-jobs.js';
export { startWorker, type RunningWorker, type WorkerOptions } from './run-worker.js';
export { queueStatus, type QueueStatus } from './status.js';
export { encodeBars, decodeBars } from './data.js';
export type { WorkerInfo } from './workers.js';

/**
 * Trials per search batch on a queue. TPE: one per thread in flight (the constant-liar rule, as in one
 * process, so the same seed and count give the same study). Grid and random proposals do not depend on
 * results: larger batches, cut into timed jobs, keep round trips a small part of the work.
 */
export function queueSearchBatch(method: 'grid' | 'random' | 'tpe', concurrency: number): number {
  return method === 'tpe' ? Math.max(1, concurrency) : Math.max(1, concurrency) * 512;
}
