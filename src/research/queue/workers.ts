/**
 * The workers seen on a queue: each `rrr worker` process refreshes a short-lived key while it runs, so a
 * worker that stopped (or was killed) drops out of the list within HEARTBEAT_TTL_MS.
 */
import { hostname } from 'node:os';
import { command, type RedisCommands } from './connection.js';

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  /** Threads running trials. */
  concurrency: number;
  rrrVersion: string;
  startedAt: string;
  /** Batches finished since it started. */
  jobs: number;
  /**
   * Studies whose batches it put back for a fingerprint mismatch (other rrr version or strategy code), with
   * its sentence; the latest MAX_REFUSED. Absent from workers of rrr versions before it was added.
   */
  refused?: { study: string; reason: string }[];
}

export const MAX_REFUSED = 20;

export const HEARTBEAT_MS = 5000;
export const HEARTBEAT_TTL_MS = 15_000;

function workerKey(prefix: string, id: string): string {
  return `${prefix}:worker:${id}`;
}

export async function heartbeat(redis: RedisCommands, prefix: string, info: WorkerInfo): Promise<void> {
  await command(redis, 'SET', [workerKey(prefix, info.id), JSON.stringify(info), 'PX', String(HEARTBEAT_TTL_MS)]);
}

export async function forgetWorker(redis: RedisCommands, prefix: string, id: string): Promise<void> {
  await command(redis, 'DEL', [workerKey(prefix, id)]);
}

export async function listWorkers(redis: RedisCommands, prefix: string): Promise<WorkerInfo[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = (await command(redis, 'SCAN', [cursor, 'MATCH', workerKey(prefix, '*'), 'COUNT', '200'])) as [string, string[]];
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = (await command(redis, 'MGET', keys)) as (string | null)[];
  return values
    .filter((v): v is string => typeof v === 'string')
    .map((v) => JSON.parse(v) as WorkerInfo)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** This process, as workers are named: host and process id. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
