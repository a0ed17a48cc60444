/**
 * The sweep's bars in Redis, published once and named by the SHA-256 of their bytes (content-addressed): any
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
  const columns = series.flatMap((b) => COLUMNS.map((c) => Buffer.from(b[c].buffer, b[c].byteOffset, b.length * 8)));
  return Buffer.concat([header, ...columns]);
}

export function decodeBars(bytes: Buffer): Bars[] {
  const newline = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.toString('utf8', 0, newline)) as { length: number; symbol?: string; timeframe?: string }[];
  // Copied into aligned memory: a Buffer's offset inside its pool need not be a multiple of 8.
  const numbers = new Float64Array(new Uint8Array(bytes.subarray(newline + 1)).buffer);
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

/** Publishes the bars (once per content) and returns their hash, the name jobs refer to them by. */
export async function publishBars(redis: RedisCommands, prefix: string, series: readonly Bars[]): Promise<string> {
  const bytes = encodeBars(series);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const key = dataKey(prefix, hash);
  // Base64: the client reads replies as text. NX: the same bars are written once, whoever publishes them.
  const written = await command(redis, 'SET', [key, bytes.toString('base64'), 'EX', String(DATA_TTL_SECONDS), 'NX']);
  if (written === null) await command(redis, 'EXPIRE', [key, String(DATA_TTL_SECONDS)]);
  return hash;
}

/** The bars named `hash`, checked against their name. */
export async function fetchBars(redis: RedisCommands, prefix: string, hash: string): Promise<Bars[]> {
  const text = await command(redis, 'GET', [dataKey(prefix, hash)]);
  if (typeof text !== 'string') {
    throw new UserError(`The study's data (${hash.slice(0, 12)}) is no longer in Redis: resume the study from its coordinator, which publishes it again.`, { exitCode: 1, code: 'RRR_QUEUE_NO_DATA' });
  }
  const bytes = Buffer.from(text, 'base64');
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== hash) throw new UserError(`The study's data in Redis does not match its fingerprint (${hash.slice(0, 12)} expected, ${actual.slice(0, 12)} found): resume the study from its coordinator.`, { exitCode: 1, code: 'RRR_QUEUE_BAD_DATA' });
  return decodeBars(bytes);
}
