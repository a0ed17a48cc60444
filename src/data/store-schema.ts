import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../errors.js';
import { duckdb } from './duckdb-module.js';
import { STORE_CATALOG } from './store-catalog.js';
import { storeQueryError } from './store-errors.js';

/** The tables rrr keeps, by name: shared by the migrations and by read-only opens of older stores. */
const TABLES = {
  bars: `bars (
  symbol VARCHAR NOT NULL,
  timeframe VARCHAR NOT NULL,
  time BIGINT NOT NULL,          -- epoch ms, UTC, of the bar's label
  open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE,
  volume DOUBLE,                 -- NULL where the source has no volume
  PRIMARY KEY (symbol, timeframe, time)
)`,
  series: `series (
  symbol VARCHAR NOT NULL,
  timeframe VARCHAR NOT NULL,
  rows BIGINT NOT NULL,
  first_time BIGINT,
  last_time BIGINT,
  quality VARCHAR,               -- JSON summary of the last validation
  updated_at TIMESTAMP DEFAULT current_timestamp,
  PRIMARY KEY (symbol, timeframe)
)`,
  runs: `runs (
  id BIGINT PRIMARY KEY DEFAULT nextval('run_ids'),
  created_at TIMESTAMP DEFAULT current_timestamp,
  strategy VARCHAR NOT NULL,
  symbols VARCHAR NOT NULL,        -- JSON array
  timeframe VARCHAR NOT NULL,
  from_time VARCHAR, to_time VARCHAR,
  params VARCHAR NOT NULL,         -- JSON
  settings VARCHAR NOT NULL,       -- JSON
  data_fingerprint VARCHAR NOT NULL,
  metrics VARCHAR NOT NULL         -- JSON
)`,
  studies: `studies (
  id VARCHAR NOT NULL,             -- s1, s2, ...: what --resume and rrr studies show take
  created_at VARCHAR NOT NULL,     -- ISO-8601 UTC with milliseconds; also names the study's journal as its own
  updated_at VARCHAR NOT NULL,
  state VARCHAR NOT NULL,          -- running | complete | interrupted
  strategy VARCHAR NOT NULL,
  symbols VARCHAR NOT NULL,        -- JSON array
  timeframe VARCHAR NOT NULL,
  method VARCHAR NOT NULL,         -- grid | random | tpe
  objective VARCHAR NOT NULL,
  direction VARCHAR NOT NULL,      -- maximize | minimize
  data_fingerprint VARCHAR NOT NULL,
  header VARCHAR NOT NULL,         -- JSON: the whole StudyHeader (space, settings, constraints, command)
  trial_count BIGINT NOT NULL,     -- trials in study_trials, as of updated_at
  complete_count BIGINT NOT NULL,
  best_value DOUBLE                -- the best objective among complete trials
)`,
  study_trials: `study_trials (
  study_id VARCHAR NOT NULL,
  number BIGINT NOT NULL,          -- the trial's number in the study's deterministic sequence
  state VARCHAR NOT NULL,          -- complete | pruned | failed
  value DOUBLE,                    -- the objective, when complete
  params VARCHAR NOT NULL,         -- JSON
  metrics VARCHAR NOT NULL,        -- JSON; NaN and infinities as strings (see optimize/journal.ts)
  moments VARCHAR,                 -- JSON of the per-bar return moments, for the deflated Sharpe ratio
  blocks BLOB,                     -- Float64Array bytes (little-endian): per-block CSCV statistics for PBO
  reason VARCHAR                   -- why it was pruned or failed
)`,
  run_tags: `run_tags (
  run_id BIGINT NOT NULL,          -- runs.id; deleteRuns removes a run's tags with it
  tag VARCHAR NOT NULL             -- one row per (run_id, tag): addTags skips a tag the run has
)`,
  fetch_series: `fetch_series (
  symbol VARCHAR NOT NULL,         -- the stored series (bars.symbol, bars.timeframe)
  timeframe VARCHAR NOT NULL,
  source_symbol VARCHAR NOT NULL,  -- the symbol as the sources spell it (BTC/USDT, AAPL, C:EURUSD)
  sources VARCHAR NOT NULL,        -- JSON array of {name, url?} in failover order: what rrr data update asks
  updated_at VARCHAR NOT NULL      -- ISO-8601 UTC of the last fetch
)`,
  bar_sources: `bar_sources (
  symbol VARCHAR NOT NULL,
  timeframe VARCHAR NOT NULL,
  time BIGINT NOT NULL,            -- a bar of bars (same symbol, timeframe, time)
  source VARCHAR NOT NULL          -- the source that supplied it (binance, kraken, polygon)
)`,
} as const;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Every change to the store's schema, in order. A store records in rrr_meta which ones it has; a write
 * applies the missing ones in one transaction. Reads never migrate. Append only: never edit a shipped one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'bars and series tables, the bars_utc view',
    sql: `CREATE TABLE IF NOT EXISTS ${TABLES.bars};
CREATE TABLE IF NOT EXISTS ${TABLES.series};
CREATE VIEW IF NOT EXISTS bars_utc AS
  SELECT symbol, timeframe, make_timestamp(time * 1000) AS time, open, high, low, close, volume FROM bars;`,
  },
  {
    version: 2,
    description: 'rrr_meta records the schema version; the runs table is created with the store',
    sql: `CREATE TABLE rrr_meta (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP DEFAULT current_timestamp);
CREATE SEQUENCE IF NOT EXISTS run_ids START 1;
CREATE TABLE IF NOT EXISTS ${TABLES.runs};`,
  },
  {
    // DuckDB keeps a primary key's index in memory, twice while committing: most of what importing millions
    // of bars cost. upsertSeries, the only writer of bars, merges by time under the store's write lock, so
    // the key guarded nothing it does not already guarantee (and tests).
    version: 3,
    description: 'bars without a primary key index (an import of millions of bars needs far less memory)',
    sql: `CREATE TABLE bars_v3 (
  symbol VARCHAR NOT NULL,
  timeframe VARCHAR NOT NULL,
  time BIGINT NOT NULL,          -- epoch ms, UTC, of the bar's label
  open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE,
  volume DOUBLE                  -- NULL where the source has no volume
);
INSERT INTO bars_v3 SELECT symbol, timeframe, time, open, high, low, close, volume FROM bars ORDER BY symbol, timeframe, time;
DROP VIEW bars_utc;
DROP TABLE bars;
ALTER TABLE bars_v3 RENAME TO bars;
CREATE VIEW bars_utc AS
  SELECT symbol, timeframe, make_timestamp(time * 1000) AS time, open, high, low, close, volume FROM bars;`,
  },
  {
    // No keys, as for bars (migration 3): the one writer of study_trials (optimize/study-store.ts) inserts
    // only trial numbers the study does not have yet, under the store's write lock.
    version: 4,
    description: 'studies and study_trials tables: every trial of rrr optimize recorded under a study id',
    sql: `CREATE TABLE ${TABLES.studies};
CREATE TABLE ${TABLES.study_trials};`,
  },
  {
    // A table of its own rather than a column of runs: migration 2's runs table stays as shipped, and an
    // older store opened read-only gets an empty stand-in (standInTables), so its runs list with no tags.
    version: 5,
    description: 'run_tags table: tags on recorded runs (rrr runs tag)',
    sql: `CREATE TABLE ${TABLES.run_tags};`,
  },
  {
    // No keys, as for bars (migration 3): the one writer (fetch/provenance.ts) deletes a time range and
    // writes it again, under the store's write lock. Imported bars have no row: they came from a file.
    version: 6,
    description: 'fetch_series and bar_sources tables: where fetched bars came from (rrr data fetch, rrr data update)',
    sql: `CREATE TABLE ${TABLES.fetch_series};
CREATE TABLE ${TABLES.bar_sources};`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export interface CatalogObject {
  kind: 'table' | 'view' | 'sequence';
  schema: string;
  /** Columns of a table, the normalised definition of a view. */
  signature: string;
}

const CATALOG = `
SELECT 'table' AS kind, schema_name, table_name AS name,
  (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) FROM duckdb_columns() c WHERE c.table_oid = t.table_oid) AS signature
  FROM duckdb_tables() t WHERE database_name = current_database() AND NOT temporary
UNION ALL SELECT 'view', schema_name, view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND NOT temporary
UNION ALL SELECT 'sequence', schema_name, sequence_name, '' FROM duckdb_sequences() WHERE database_name = current_database() AND NOT temporary`;

// DuckDB re-renders a view's SQL (quotes, parentheses); compare what is left without them.
const normalise = (sql: string) => sql.toLowerCase().replace(/["()\s;]/g, '');

async function describeCatalog(connection: DuckDBConnection): Promise<Map<string, CatalogObject>> {
  const rows = (await connection.runAndReadAll(CATALOG)).getRowObjects();
  const objects = new Map<string, CatalogObject>();
  for (const r of rows) {
    const kind = String(r.kind) as CatalogObject['kind'];
    objects.set(String(r.name), { kind, schema: String(r.schema_name), signature: kind === 'view' ? normalise(String(r.signature)) : String(r.signature ?? '') });
  }
  return objects;
}

let reference: Promise<Map<string, CatalogObject>> | undefined;

/**
 * What the migrations create, described by the same query as a store, so the two compare exactly. Read from
 * the generated STORE_CATALOG when it was made from these migrations with this DuckDB; built otherwise (~70 ms,
 * which every command opening a store paid). Call it before opening a store, so the store is not held while
 * it is built.
 */
export function referenceCatalog(): Promise<Map<string, CatalogObject>> {
  reference ??= catalogFrom(STORE_CATALOG);
  return reference;
}

/** A generated catalog's objects when its key is this build's (catalogKey), else the catalog built afresh. */
export function catalogFrom(generated: typeof STORE_CATALOG): Promise<Map<string, CatalogObject>> {
  return generated.key === catalogKey() ? Promise.resolve(new Map(generated.objects as [string, CatalogObject][])) : buildReferenceCatalog();
}

/** Names the migrations and the DuckDB library that describes them: a change to either makes STORE_CATALOG stale. */
export function catalogKey(): string {
  const hash = createHash('sha256').update(duckdb().version());
  for (const m of MIGRATIONS) hash.update(`\0${m.version}\0${m.sql}`);
  return hash.digest('hex').slice(0, 16);
}

/** The reference catalog built from scratch: the migrations run in an empty in-memory database. */
export async function buildReferenceCatalog(): Promise<Map<string, CatalogObject>> {
  const { DuckDBInstance } = duckdb();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const m of MIGRATIONS) await connection.run(m.sql);
    return await describeCatalog(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export interface SchemaState {
  /** 0: an empty DuckDB database; 1: a store written before rrr_meta existed; then rrr_meta's version. */
  version: number;
  tables: Set<string>;
}

const REQUIRED_V1 = ['bars', 'series', 'bars_utc'];

/**
 * Which rrr schema the open database holds. A database holding anything rrr did not create (another table,
 * a `bars` table with other columns, a user's own `bars_utc` view) is refused with one sentence, on reads
 * and writes alike, so rrr never reads it as bars nor alters it.
 */
export async function inspectSchema(connection: DuckDBConnection, path: string): Promise<SchemaState> {
  const actual = await describeCatalog(connection).catch((error) => { throw storeQueryError(path, error); });
  const expected = await referenceCatalog();
  const tables = new Set([...actual].filter(([, o]) => o.kind === 'table').map(([name]) => name));
  if (actual.size === 0) return { version: 0, tables };
  const foreign = (what: string) =>
    new UserError(`--db ${path} is a DuckDB database but not an rrr store (${what}), and was left untouched: pass --db with an rrr store or a new file path.`, { code: 'RRR_DB_FOREIGN' });
  for (const [name, object] of actual) {
    const known = expected.get(name);
    const label = `${object.kind} "${object.schema === 'main' ? '' : `${object.schema}.`}${name}"`;
    if (!known || known.kind !== object.kind || object.schema !== 'main') throw foreign(`it holds the ${label}, which rrr does not create`);
    if (known.signature !== object.signature) {
      throw foreign(object.kind === 'table' ? `its ${label} has the columns (${object.signature}), not rrr's` : `its ${label} is not rrr's`);
    }
  }
  const missing = REQUIRED_V1.filter((name) => !actual.has(name));
  if (missing.length > 0) throw foreign(`it has no ${missing.map((m) => `"${m}"`).join(', ')}`);
  if (!tables.has('rrr_meta')) return { version: 1, tables };
  const rows = (await connection.runAndReadAll('SELECT max(version) AS v FROM rrr_meta')).getRowObjects();
  const version = Number(rows[0]?.v ?? 1);
  if (version > SCHEMA_VERSION) {
    throw new UserError(`The store ${path} has schema version ${version}, written by a newer rrr (this one knows up to ${SCHEMA_VERSION}): upgrade rrr to use it.`, { exitCode: 1, code: 'RRR_DB_NEWER' });
  }
  return { version, tables };
}

/**
 * A read-only open of an older store may lack tables a newer rrr reads (runs in a version-1 store, all of
 * them in an empty database): empty temporary stand-ins let reads see "nothing yet" without writing a byte.
 */
export async function standInTables(connection: DuckDBConnection, state: SchemaState): Promise<void> {
  for (const [name, ddl] of Object.entries(TABLES)) {
    if (!state.tables.has(name)) await connection.run(`CREATE TEMP TABLE ${ddl.replace(/DEFAULT nextval\('run_ids'\)/, '')}`);
  }
}

/**
 * Brings a store opened for writing to SCHEMA_VERSION, in one transaction. Returns the migrations applied
 * to an existing store (a new store's are not news), for the caller to report once.
 */
export async function migrate(connection: DuckDBConnection, state: SchemaState): Promise<Migration[]> {
  const pending = MIGRATIONS.filter((m) => m.version > state.version);
  if (pending.length === 0) return [];
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const m of pending) await connection.run(m.sql);
    // Every migration the store now has is recorded, including those it had before rrr_meta existed.
    for (const m of MIGRATIONS) {
      await connection.run('INSERT INTO rrr_meta (version, description) VALUES (?, ?) ON CONFLICT DO NOTHING', [m.version, m.description]);
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return state.version === 0 ? [] : pending;
}

/**
 * Reads every block of every table, so damage that DuckDB would only meet later (a zeroed or flipped data
 * block) is found before anything is written into the file.
 */
export async function scanTables(connection: DuckDBConnection, state: SchemaState, skip: readonly string[] = []): Promise<void> {
  for (const table of state.tables) if (!skip.includes(table)) await connection.run(`SELECT bit_xor(hash(COLUMNS(*))) FROM "${table}"`);
}

/** The tables holding bars and where they came from: the bulk of a store, written only by data commands. */
export const BAR_TABLES: readonly string[] = ['bars', 'series', 'fetch_series', 'bar_sources'];
