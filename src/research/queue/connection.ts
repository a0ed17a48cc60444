/**
 * Connections to the --queue Redis: a first check that says in one sentence why Redis cannot be used, then
 * BullMQ's own reconnecting client (its driver-neutral adapter over RespClient) for everything after.
 */
import { UserError } from '../../errors.js';
import { RespClient } from './resp-client.js';
import type { RedisTarget } from './url.js';

/** What BullMQ's adapter offers beyond the IRedisClient type it declares: the commands rrr sends itself. */
export interface RedisCommands {
  sendCommand(command: string, args: (string | Buffer)[]): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
  connect(): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

function startHint(target: RedisTarget): string {
  return `start one with "redis-server --port ${target.port}" (or "docker run -p ${target.port}:6379 redis:7"), or fix --queue`;
}

/** Connects once and PINGs: refuses an unreachable server, a wrong password or an old Redis with one sentence. */
export async function checkRedis(target: RedisTarget, timeoutMs = 5000): Promise<void> {
  const probe = new RespClient(target, { connectTimeoutMs: timeoutMs });
  try {
    await probe.connect();
  } catch (error) {
    const message = String((error as Error).message ?? error);
    if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) {
      throw new UserError(`Redis at ${target.display} refused the user name or password given in --queue: give the password its requirepass or ACL sets.`, { exitCode: 1, code: 'RRR_QUEUE_AUTH' });
    }
    const code = (error as { code?: string }).code;
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'unknown host' : message.replace(/\.$/, '');
    throw new UserError(`Cannot reach Redis at ${target.display} (${why}): ${startHint(target)}.`, { exitCode: 1, code: 'RRR_QUEUE_UNREACHABLE' });
  }
  try {
    const info = String(await probe.send('INFO', ['server']));
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version && (Number(version[1]) < 6 || (Number(version[1]) === 6 && Number(version[2]) < 2))) {
      throw new UserError(`Redis at ${target.display} is version ${version[1]}.${version[2]} and BullMQ needs 6.2 or later: upgrade it, or ${startHint(target)}.`, { exitCode: 1, code: 'RRR_QUEUE_OLD_REDIS' });
    }
  } finally {
    probe.close();
  }
}

/**
 * A reconnecting client (BullMQ's adapter): pass it as BullMQ's `connection`, or send commands through it.
 * BullMQ (about a second to import) loads here, on first use, never when the library is imported.
 */
export async function redisClient(target: RedisTarget, name?: string): Promise<RedisCommands> {
  const { createBunRedisClient } = await import('bullmq');
  const client = createBunRedisClient(new RespClient(target, name === undefined ? {} : { name }) as never) as unknown as RedisCommands;
  // Lost connections are retried by the adapter; callers see failed commands and decide what to say.
  client.on('error', () => {});
  // Its backoff grows to 20 s between attempts: a Redis back after a restart is found within 5 s instead.
  (client as unknown as { maxReconnectDelay: number }).maxReconnectDelay = 5000;
  return client;
}

/** Key prefix of everything rrr keeps beside BullMQ's own keys for queue `name`. */
export function keyPrefix(target: RedisTarget): string {
  return `rrr:${target.queue}`;
}

/**
 * One command. BullMQ's adapter answers null, not an error, for a command cut short by a lost connection:
 * such a null is turned back into the error it stands for, so callers retry instead of reading "no such key".
 */
export async function command(redis: RedisCommands, name: string, args: (string | Buffer)[]): Promise<unknown> {
  const reply = await redis.sendCommand(name, args);
  if (reply === null && (redis as { status?: string }).status !== 'ready') throw new Error('Connection is closed.');
  return reply;
}
