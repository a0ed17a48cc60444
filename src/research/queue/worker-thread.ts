/**
 * A thread of `rrr worker`, as one long piscina task: runs startJobWorker until its parent posts "stop" on
 * the task's port, reporting each batch back on it. (Piscina's own entry file is what lets the thread load
 * this module from sources under tsx, as the sweep pool's threads do.)
 */
import type { MessagePort } from 'node:worker_threads';
import { startJobWorker } from './process-jobs.js';
import type { RedisTarget } from './url.js';

export interface WorkerThreadTask {
  target: RedisTarget;
  stallSeconds: number;
  worker: string;
  port: MessagePort;
}

export default async function serve({ target, stallSeconds, worker, port }: WorkerThreadTask): Promise<void> {
  const running = await startJobWorker(target, { stallSeconds, worker, onJob: (event) => port.postMessage(event) });
  return new Promise((resolve) => {
    port.on('message', async (message: unknown) => {
      if (message !== 'stop') return;
      await running.stop();
      port.close();
      resolve();
    });
  });
}
