/** What `rrr queue status` shows: job counts, the studies with unfinished jobs, and the workers seen. */
import { checkRedis, keyPrefix, redisClient } from './connection.js';
import type { TrialJob } from './jobs.js';
import type { RedisTarget } from './url.js';
import { listWorkers, type WorkerInfo } from './workers.js';

export interface QueueStatus {
  queue: string;
  url: string;
  jobs: { waiting: number; active: number; done: number; failed: number; delayed: number };
  /** Studies with waiting or active jobs. */
  studies: string[];
  workers: (WorkerInfo & { fingerprintMismatch: string[] })[];
}

export async function queueStatus(target: RedisTarget): Promise<QueueStatus> {
  await checkRedis(target);
  const { Queue } = await import('bullmq');
  const redis = await redisClient(target);
  // BullMQ leaves a connection it was given open: closed here with the others.
  const connection = await redisClient(target);
  const queue = new Queue(target.queue, { connection: connection as never });
  queue.on('error', () => {});
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    const unfinished = await queue.getJobs(['waiting', 'active', 'prioritized'], 0, 999);
    const studies = [...new Set(unfinished.map((j) => (j?.data as Partial<TrialJob> | undefined)?.study).filter((s): s is string => typeof s === 'string'))].sort();
    return {
      queue: target.queue,
      url: target.display,
      jobs: {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        done: counts.completed ?? 0,
        failed: counts.failed ?? 0,
        delayed: counts.delayed ?? 0,
      },
      studies,
      // A refusal matters while its study has batches left: those wait for other workers.
      workers: (await listWorkers(redis, keyPrefix(target))).map((w) => ({ ...w, fingerprintMismatch: (w.refused ?? []).map((r) => r.study).filter((s) => studies.includes(s)) })),
    };
  } finally {
    await queue.close().catch(() => {});
    await connection.quit().catch(() => {});
    await redis.quit().catch(() => {});
  }
}
