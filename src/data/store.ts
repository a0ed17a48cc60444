import { dirname, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { UserError } from '../errors.js';
import { duckdb } from './duckdb-module.js';
import { storeError, storeQueryError } from './store-errors.js';
import { assertWholeFile, createAtomically, inspectStoreFile } from './store-file.js';
import { openInstance } from './store-lock.js';
import { BAR_TABLES, inspectSchema, migrate, referenceCatalog, scanTables, standInTables, SCHEMA_VERSION, type Migration } from './store-schema.js';
import { makeDirectories } from './make-dirs.js';

export { setStoreNotice, setStoreWait, storeWait } from './store-lock.js';
export { MIGRATIONS, SCHEMA_VERSION } from './store-schema.js';

export const DEFAULT_DB_PATH = '.rrr/rrr.duckdb';

/** --db, else RRR_DB, else .rrr/rrr.duckdb under the working directory. */
export function resolveDbPath(flag?: string): string {
  return resolve(flag ?? process.env.RRR_DB ?? DEFAULT_DB_PATH);
}

export interface StoreOptions {
  /** Open for writing; with true (the default) create the store when it does not exist. */
  create?: boolean;
  /** Open an existing store read-only: nothing is written, and other readers may share it. */
  readOnly?: boolean;
  /** How long to wait for a store another process holds (default: setStoreWait, 30 s). */
  waitMs?: number;
  /**
   * The write adds records (runs, studies, tags) and leaves the bars alone: the bar tables are then not read
   * through for damage before it (see scanTables), which cost ~0.1 s per million stored bars on every run
   * recorded. Their blocks stay as they are, and any read of them still finds damage there.
   */
  recordsOnly?: boolean;
}

type Row = Record<string, DuckDBValue>;

/** A SQL identifier, quoted. */
export function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Store files open in this process, by absolute path (':memory:' stores are not counted). */
const openHere = new Map<string, { readers: number; writers: number }>();

function holdHere(key: string, readOnly: boolean, change: 1 | -1): void {
  const count = openHere.get(key) ?? { readers: 0, writers: 0 };
  if (readOnly) count.readers += change;
  else count.writers += change;
  if (count.readers + count.writers <= 0) openHere.delete(key);
  else openHere.set(key, count);
}

/**
 * assertWholeFile, read before DuckDB opens the file (see Store.open), when a writer in another process may
 * be mid-checkpoint: a failed check is repeated a few times, since damage persists and a checkpoint passes.
 */
async function assertWholeFileSettled(path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      assertWholeFile(path);
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
      await new Promise((done) => setTimeout(done, 100 * (attempt + 1)));
    }
  }
}

/** Says once, on stderr, that an older store was upgraded by this write. */
function reportUpgrade(path: string, from: number, applied: readonly Migration[]): void {
  if (applied.length === 0) return;
  process.stderr.write(`Upgraded the store ${path} from schema version ${from} to ${SCHEMA_VERSION}: ${applied.map((m) => `${m.version}. ${m.description}`).join('; ')}.\n`);
}

/**
 * The embedded DuckDB store: one file holding bars, series metadata and runs. Keep it open only for the
 * work at hand (see withStore): DuckDB lets one process write a file or several read it, never both.
 */
export class Store {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** Opened read-only: any write fails. */
    readonly readOnly: boolean,
  ) {}

  /** The first failure inside the running transaction: later statements only say "transaction aborted". */
  private failure: unknown;
  private inTransaction = false;

  private failed(error: unknown): unknown {
    const translated = storeQueryError(this.path, error);
    if (this.inTransaction) this.failure ??= translated;
    return translated;
  }

  /**
   * An in-memory DuckDB without the store's tables, for reading and writing files. Migrating the schema
   * into it took ~70 ms of every command that reads a bar file and never touches a table.
   */
  static async scratch(): Promise<Store> {
    const instance = await duckdb().DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    return new Store(':memory:', instance, connection, false);
  }

  /**
   * Opens the store for writing (creating it unless `create: false`) or, with `readOnly`, for reading.
   * A path that is not a DuckDB store, a damaged store, or a store that stays busy beyond the wait is refused
   * with one sentence and left untouched. The schema is migrated only by a write; reads never write a byte.
   */
  static async open(path: string, options: StoreOptions = {}): Promise<Store> {
    const readOnly = options.readOnly ?? false;
    if (path === ':memory:') {
      // A scratch store with the full schema, for library users who keep bars in memory.
      const store = await Store.scratch();
      await migrate(store.connection, { version: 0, tables: new Set() });
      return store;
    }
    const key = resolve(path);
    const already = openHere.get(key);
    if (already && (already.writers > 0 || !readOnly)) {
      // DuckDB's file lock belongs to the process: a second instance here would not be kept out, and two
      // writers in one process corrupt the file. Reuse the open store instead (e.g. loadBars({ store })).
      throw new Error(`The store ${path} is already open in this process${already.writers > 0 ? ' for writing' : ''}: pass the open Store instead of opening it again.`);
    }
    // Counted before the first await, so two opens started together in this process see each other.
    holdHere(key, readOnly, +1);
    let instance: DuckDBInstance | undefined;
    let connection: DuckDBConnection | undefined;
    try {
      // The file checks read the file with node's fs. Closing any descriptor of a file drops every POSIX
      // lock this process holds on it, DuckDB's included, so they run only while no store here has it open.
      if (!already) {
        if (inspectStoreFile(path) === 'missing') {
          if (readOnly || options.create === false) {
            throw new UserError(`No store at ${path}: import data first with "rrr data import FILE --symbol S --timeframe TF", or pass --db PATH.`, { exitCode: 1, code: 'RRR_NO_STORE' });
          }
          await createStore(path);
        }
        await assertWholeFileSettled(path);
      }
      await referenceCatalog();
      instance = await openInstance(path, readOnly, options.waitMs);
      connection = await instance.connect();
      await connection.run("SET TimeZone = 'UTC'");
      const state = await inspectSchema(connection, path);
      if (readOnly) {
        await standInTables(connection, state);
      } else {
        await scanTables(connection, state, options.recordsOnly ? BAR_TABLES : []);
        reportUpgrade(path, state.version, await migrate(connection, state));
      }
      return new Store(path, instance, connection, readOnly);
    } catch (error) {
      connection?.closeSync();
      instance?.closeSync();
      holdHere(key, readOnly, -1);
      throw storeError(path, error);
    }
  }

  async rows(sql: string, params: DuckDBValue[] = []): Promise<Row[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjects();
    } catch (error) {
      throw this.failed(error);
    }
  }

  async run(sql: string, params: DuckDBValue[] = []): Promise<void> {
    try {
      await this.connection.run(sql, params);
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** Runs `work` in one transaction: all of it is stored, or none. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    this.failure = undefined;
    try {
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      // After a fatal I/O error DuckDB refuses even the rollback; the first failure is the news.
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw this.failure ?? storeQueryError(this.path, error);
    } finally {
      this.inTransaction = false;
      this.failure = undefined;
    }
  }

  /** Space inside the file that DuckDB holds free for later writes (see compactStore to give it back). */
  async freeBytes(): Promise<number> {
    const [row] = await this.rows('SELECT free_blocks * block_size AS free FROM pragma_database_size()');
    return Number(row?.free ?? 0);
  }

  /** Fails with a sentence when this store was opened read-only (a programming slip, not a user's). */
  assertWritable(what: string): void {
    if (this.readOnly) throw new Error(`${what} needs the store ${this.path} opened for writing, not read-only.`);
  }

  /**
   * The result of `sql` as one Float64Array per column, every column DOUBLE and never NULL (select with
   * coalesce). Copies each chunk's vector memory directly instead of boxing values: ~3x faster than rows.
   */
  async doubleColumns(sql: string, params: DuckDBValue[], into: (rowCount: number) => Float64Array[]): Promise<Float64Array[]> {
    let result: Awaited<ReturnType<DuckDBConnection['run']>>;
    try {
      result = await this.connection.run(sql, params);
    } catch (error) {
      throw this.failed(error);
    }
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
    if (this.path !== ':memory:') holdHere(resolve(this.path), this.readOnly, -1);
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

/**
 * Opens the store for the duration of `work`, closing it whatever happens. Keep `work` short: while it
 * runs, a write store blocks every other process, and a read-only one blocks writers.
 */
export async function withStore<T>(path: string, options: StoreOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(path, options);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

/** A new store with the current schema, made beside `path` and linked into place (see createAtomically). */
async function createStore(path: string): Promise<void> {
  try {
    makeDirectories(dirname(path));
  } catch (error) {
    throw new UserError(`Cannot create the store at ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass --db with a path in a writable directory.`, { exitCode: 1, code: 'RRR_DB_UNWRITABLE', cause: error });
  }
  const { DuckDBInstance } = duckdb();
  try {
    await createAtomically(path, async (temp) => {
      const instance = await DuckDBInstance.create(temp);
      try {
        const connection = await instance.connect();
        try {
          await migrate(connection, { version: 0, tables: new Set() });
          // Checkpoint here, where a failure (a full disk) is reported: DuckDB's checkpoint at close is silent.
          await connection.run('CHECKPOINT');
        } finally {
          connection.closeSync();
        }
      } finally {
        instance.closeSync();
      }
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? /Permission denied|Read-only file system/i.exec(String((error as Error).message))?.[0];
    if (code !== undefined) {
      throw new UserError(`Cannot create the store at ${path} (${code}): pass --db with a path in a writable directory.`, { exitCode: 1, code: 'RRR_DB_UNWRITABLE', cause: error });
    }
    throw storeError(path, error);
  }
}
