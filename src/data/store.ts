import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { UserError } from '../errors.js';

export const DEFAULT_DB_PATH = '.rrr/rrr.duckdb';

/** --db, else RRR_DB, else .rrr/rrr.duckdb under the working directory. */
export function resolveDbPath(flag?: string): string {
  return resolve(flag ?? process.env.RRR_DB ?? DEFAULT_DB_PATH);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bars (
  symbol VARCHAR NOT NULL,
  timeframe VARCHAR NOT NULL,
  time BIGINT NOT NULL,          -- epoch ms, UTC, of the bar's label
  open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE,
  volume DOUBLE,                 -- NULL where the source has no volume
  PRIMARY KEY (symbol, timeframe, time)
);
CREATE TABLE IF NOT EXISTS series (
  symbol VARCHAR NOT NULL,
  timeframe VARCHAR NOT NULL,
  rows BIGINT NOT NULL,
  first_time BIGINT,
  last_time BIGINT,
  quality VARCHAR,               -- JSON summary of the last validation
  updated_at TIMESTAMP DEFAULT current_timestamp,
  PRIMARY KEY (symbol, timeframe)
);
CREATE OR REPLACE VIEW bars_utc AS
  SELECT symbol, timeframe, make_timestamp(time * 1000) AS time, open, high, low, close, volume FROM bars;
`;

type Row = Record<string, DuckDBValue>;

/** A SQL identifier, quoted. */
export function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The embedded DuckDB store: one file holding bars, series metadata and (later) runs. */
export class Store {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /**
   * Opens (and with `create`, creates) the store. Every failure a user can cause becomes one sentence:
   * an unwritable location, a file that is not a DuckDB database, a store that does not exist yet.
   */
  static async open(path: string, options: { create?: boolean } = {}): Promise<Store> {
    const create = options.create ?? true;
    if (path === ':memory:') {
      // nothing on disk to check
    } else if (!existsSync(path)) {
      if (!create) {
        throw new UserError(`No store at ${path}: import data first with "rrr data import FILE --symbol S --timeframe TF", or pass --db PATH.`, { exitCode: 1, code: 'RRR_NO_STORE' });
      }
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw new UserError(`Cannot create the store at ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass --db with a path in a writable directory.`, { code: 'RRR_DB_UNWRITABLE', cause: error });
      }
    } else if (statSync(path).isDirectory()) {
      throw new UserError(`--db ${path} is a directory: pass the path of a DuckDB file, e.g. ${resolve(path, 'rrr.duckdb')}.`);
    }
    const { DuckDBInstance } = await import('@duckdb/node-api');
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (error) {
      const text = String((error as Error).message ?? error);
      if (/not a valid DuckDB database|Invalid Input Error.*database/i.test(text)) {
        throw new UserError(`${path} is not a DuckDB database: pass --db with an rrr store or a new file path.`, { exitCode: 1, code: 'RRR_DB_NOT_DUCKDB', cause: error });
      }
      if (/lock/i.test(text)) {
        throw new UserError(`The store ${path} is in use by another process: wait for it to finish or use another --db.`, { exitCode: 1, code: 'RRR_DB_LOCKED', cause: error });
      }
      throw new UserError(`Cannot open the store at ${path}: ${text.split('\n')[0]}. Pass --db with a writable DuckDB file path.`, { code: 'RRR_DB_UNWRITABLE', cause: error });
    }
    const connection = await instance.connect();
    const store = new Store(path, instance, connection);
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(SCHEMA);
    return store;
  }

  async rows(sql: string, params: DuckDBValue[] = []): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjects();
  }

  async run(sql: string, params: DuckDBValue[] = []): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Runs `work` in one transaction: all of it is stored, or none. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  /**
   * The result of `sql` as one Float64Array per column, every column DOUBLE and never NULL (select with
   * coalesce). Copies each chunk's vector memory directly instead of boxing values: ~3x faster than rows.
   */
  async doubleColumns(sql: string, params: DuckDBValue[], into: (rowCount: number) => Float64Array[]): Promise<Float64Array[]> {
    const result = await this.connection.run(sql, params);
    const columns = into(result.rowCount);
    let offset = 0;
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      const n = chunk.rowCount;
      for (let k = 0; k < columns.length; k++) {
        copyDoubleVector(chunk.getColumnVector(k), columns[k], offset, n);
      }
      offset += n;
    }
    return columns;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function copyDoubleVector(vector: unknown, out: Float64Array, offset: number, n: number): void {
  // The DOUBLE vector keeps its memory as a Float64Array in `items`; it is private in the typings only.
  const items = (vector as { items?: unknown }).items;
  if (items instanceof Float64Array && items.length >= n) {
    out.set(items.subarray(0, n), offset);
    return;
  }
  const v = vector as { getItem(i: number): unknown };
  for (let i = 0; i < n; i++) {
    const x = v.getItem(i);
    out[offset + i] = x === null ? NaN : Number(x);
  }
}

/** Opens the store for the duration of `work`, closing it whatever happens. */
export async function withStore<T>(path: string, options: { create?: boolean }, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(path, options);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
