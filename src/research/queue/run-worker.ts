/**
 * `rrr worker`: N threads taking batches from the queue, and a heartbeat that shows this process in
 * `rrr queue status` and tells coordinators how many threads are there.
 */
import { hostname } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { workerEntry } from '../worker-entry.js';
import { checkRedis, keyPrefix, redisClient } from './connection.js';
import { rrrVersion } from './fingerprint.js';
import type { RedisTarget } from './url.js';
import type { WorkerThreadTask } from './worker-thread.js';
import type { JobEvent } from './process-jobs.js';
import { HEARTBEAT_MS, MAX_REFUSED, forgetWorker, heartbeat, workerName, type WorkerInfo } from './workers.js';

export interface WorkerOptions {
  concurrency: number;
  stallSeconds: number;
  /** A study refused (fingerprint mismatch): its sentence, for the worker's log, once per study. */
  onRefused?(message: string): void;
}

export interface RunningWorker {
  info: WorkerInfo;
  /** Finishes the batches in hand, then stops every thread. */
  stop(): Promise<void>;
  /** Settles when every thread has stopped (after stop(), or when one fails). */
  finished: Promise<void>;
}

export async function startWorker(target: RedisTarget, options: WorkerOptions): Promise<RunningWorker> {
  await checkRedis(target);
  const redis = await redisClient(target);
  const prefix = keyPrefix(target);
  const info: WorkerInfo = { id: workerName(), host: hostname(), pid: process.pid, concurrency: options.concurrency, rrrVersion: rrrVersion(), startedAt: new Date().toISOString(), jobs: 0, refused: [] };
  const refused = info.refused!;
  const pool = new Piscina({ ...workerEntry(import.meta.url, 'worker-thread'), minThreads: options.concurrency, maxThreads: options.concurrency, idleTimeout: Number.POSITIVE_INFINITY });
  pool.on('error', () => {});
  const ports = Array.from({ length: options.concurrency }, (_, k) => {
    const channel = new MessageChannel();
    channel.port1.on('message', (event: JobEvent) => {
      if (event.kind === 'done') {
        info.jobs++;
        // The count shown by rrr queue status: one SET per batch, small beside BullMQ's own round trips.
        void beat();
      } else if (!refused.some((r) => r.study === event.study)) {
        // Each thread puts back at most one batch of a study it refuses: the log says it once per study.
        refused.push({ study: event.study, reason: event.message });
        if (refused.length > MAX_REFUSED) refused.shift();
        options.onRefused?.(event.message);
        // Told at once: a coordinator waiting on this study learns why its batches are not taken.
        void beat();
      }
    });
    const task: WorkerThreadTask = { target, stallSeconds: options.stallSeconds, worker: `${info.id}/${k + 1}`, port: channel.port2 };
    return { port: channel.port1, done: pool.run(task, { transferList: [channel.port2] }) as Promise<void> };
  });
  const beat = () => heartbeat(redis, prefix, info).catch(() => {});
  await beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  const finished = Promise.all(ports.map((p) => p.done)).then(() => undefined).finally(async () => {
    clearInterval(timer);
    for (const p of ports) p.port.close();
    await pool.destroy();
    await forgetWorker(redis, prefix, info.id).catch(() => {});
    await redis.quit().catch(() => {});
  });
  return {
    info,
    finished,
    async stop() {
      for (const p of ports) p.port.postMessage('stop');
      await finished;
    },
  };
}
