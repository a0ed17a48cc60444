import { createHash } from 'node:crypto';
import type { Bars } from './bars.js';
import type { Store } from './store.js';
import { UserError } from '../errors.js';

/** A recorded backtest: what ran, on which data (by fingerprint), and what it measured. */
export interface RunRecord {
  id: number;
  createdAt: string;
  strategy: string;
  symbols: string[];
  timeframe: string;
  from: string;
  to: string;
  params: Record<string, unknown>;
  settings: Record<string, unknown>;
  dataFingerprint: string;
  metrics: Record<string, unknown>;
}

/** SHA-256 of the bars' columns: two runs on the same fingerprint saw bit-identical data. */
export function fingerprintBars(series: readonly Bars[]): string {
  const hash = createHash('sha256');
  for (const bars of series) {
    for (const column of [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]) {
      hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

export async function recordRun(store: Store, run: Omit<RunRecord, 'id' | 'createdAt'>): Promise<number> {
  // The runs table comes with the store's schema (migration 2): recording never creates tables.
  store.assertWritable('Recording a run');
  const [row] = await store.rows(
    `INSERT INTO runs (strategy, symbols, timeframe, from_time, to_time, params, settings, data_fingerprint, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [run.strategy, JSON.stringify(run.symbols), run.timeframe, run.from, run.to, JSON.stringify(run.params), JSON.stringify(run.settings), run.dataFingerprint, JSON.stringify(run.metrics)],
  );
  return Number(row.id);
}

function toRecord(r: Record<string, unknown>): RunRecord {
  return {
    id: Number(r.id),
    createdAt: `${String(r.created_at).replace(' ', 'T').slice(0, 19)}Z`,
    strategy: String(r.strategy),
    symbols: JSON.parse(String(r.symbols)),
    timeframe: String(r.timeframe),
    from: String(r.from_time),
    to: String(r.to_time),
    params: JSON.parse(String(r.params)),
    settings: JSON.parse(String(r.settings)),
    dataFingerprint: String(r.data_fingerprint),
    metrics: JSON.parse(String(r.metrics)),
  };
}

export async function listRuns(store: Store, options: { strategy?: string; limit?: number } = {}): Promise<RunRecord[]> {
  const where = options.strategy ? 'WHERE strategy = ?' : '';
  const rows = await store.rows(`SELECT * FROM runs ${where} ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(options.limit ?? 20))}`, options.strategy ? [options.strategy] : []);
  return rows.map(toRecord);
}

export async function getRun(store: Store, id: string): Promise<RunRecord> {
  if (!/^\d+$/.test(id)) throw new UserError(`Run id "${id}" is not valid: run ids are whole numbers (see "rrr runs list").`);
  const [row] = await store.rows('SELECT * FROM runs WHERE id = ?', [BigInt(id)]);
  if (!row) {
    const [last] = await store.rows('SELECT max(id) AS id FROM runs');
    throw new UserError(`There is no run ${id} in ${store.path}${last.id === null ? ': no run is recorded yet' : `: the newest is ${Number(last.id)}`} (see "rrr runs list").`, { exitCode: 1, code: 'RRR_UNKNOWN_RUN' });
  }
  return toRecord(row);
}
