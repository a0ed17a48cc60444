/**
 * A study's data in Redis (a sweep's bars, a Monte Carlo study's returns), published once and named by the SHA-256 of their bytes (content-addressed): any
 * number of workers read one copy, a worker that has the key cached never fetches it again, and a worker
 * that fetched other bytes than the name says refuses them.
 */
import { createHash } from 'node:crypto';
import { BAR_FIELDS, makeBars, type Bars } from '../../data/bars.js';
import { UserError } from '../../errors.js';
import { command, type RedisCommands } from './connection.js';

const COLUMNS = ['time', ...BAR_FIELDS] as const;

/** A week: long enough for any study; publishing again (each load) renews it. */
const DATA_TTL_SECONDS = 7 * 24 * 3600;

/** The bars as bytes: a JSON header line, then each series' six Float64 columns back to back (little-endian). */
export function encodeBars(series: readonly Bars[]): Buffer {
  const header = Buffer.from(JSON.stringify(series.map((b) => ({ length: b.length, symbol: b.symbol, timeframe: b.timeframe }))) + '\n');
  const columns = series.flatMap((b) => COLUMNS.map((c) => float64Bytes(b[c].subarray(0, b.length))));
  return Buffer.concat([header, ...columns]);
}

export function decodeBars(bytes: Buffer): Bars[] {
  const newline = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.toString('utf8', 0, newline)) as { length: number; symbol?: string; timeframe?: string }[];
  const numbers = bytesFloat64(bytes.subarray(newline + 1));
  let offset = 0;
  return header.map(({ length, symbol, timeframe }) => {
    const [time, open, high, low, close, volume] = COLUMNS.map((_, k) => numbers.subarray(offset + k * length, offset + (k + 1) * length));
    offset += length * COLUMNS.length;
    return makeBars({ time, open, high, low, close, volume }, { symbol, timeframe });
  });
}

export function dataKey(prefix: string, hash: string): string {
  return `${prefix}:data:${hash}`;
}

/** Publishes `bytes` (once per content) and returns their hash, the name jobs refer to them by. */
export async function publishBytes(redis: RedisCommands, prefix: string, bytes: Buffer): Promise<string> {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const key = dataKey(prefix, hash);
  // Base64: the client reads replies as text. NX: the same bytes are written once, whoever publishes them.
  const written = await command(redis, 'SET', [key, bytes.toString('base64'), 'EX', String(DATA_TTL_SECONDS), 'NX']);
  if (written === null) await command(redis, 'EXPIRE', [key, String(DATA_TTL_SECONDS)]);
  return hash;
}

/** The bytes named `hash`, checked against their name. */
export async function fetchBytes(redis: RedisCommands, prefix: string, hash: string): Promise<Buffer> {
  const text = await command(redis, 'GET', [dataKey(prefix, hash)]);
  if (typeof text !== 'string') {
    throw new UserError(`The study's data (${hash.slice(0, 12)}) is no longer in Redis: resume the study from its coordinator, which publishes it again.`, { exitCode: 1, code: 'RRR_QUEUE_NO_DATA' });
  }
  const bytes = Buffer.from(text, 'base64');
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== hash) throw new UserError(`The study's data in Redis does not match its fingerprint (${hash.slice(0, 12)} expected, ${actual.slice(0, 12)} found): resume the study from its coordinator.`, { exitCode: 1, code: 'RRR_QUEUE_BAD_DATA' });
  return bytes;
}

/** A Float64Array as bytes (little-endian, as every platform rrr runs on), and back into aligned memory. */
export function float64Bytes(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function bytesFloat64(bytes: Buffer): Float64Array {
  // Copied: a Buffer's offset inside its pool need not be a multiple of 8.
  return new Float64Array(new Uint8Array(bytes).buffer);
}
