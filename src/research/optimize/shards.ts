/**
 * Deterministic shards: `--shard i/n` runs the trials whose number % n == i - 1 of the study's one trial
 * sequence, and writes them as Parquet with the study's header in the file's key-value metadata, so any batch
 * scheduler can run the n slices anywhere and `rrr optimize merge` put them back together through DuckDB.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { quote, Store } from '../../data/store.js';
import { UserError } from '../../errors.js';
import { appendTrial, TRIAL_COLUMNS, trialFromRow, type StudyHeader } from './study-store.js';
import type { FinishedTrial } from './types.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** "2/4" as { index: 2, count: 4 }; 3/2, 0/2 and 1/0 are refused with a sentence. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(count) && index >= 1 && count >= 1 && index <= count)) {
    throw new UserError(`--shard "${text}" is not valid: give i/n with whole numbers 1 <= i <= n, e.g. --shard 2/4 for the second of four shards.`, { code: 'RRR_BAD_SHARD' });
  }
  return { index, count };
}

/** Whether trial `number` belongs to the shard. */
export function shardOf(number: number, shard: Shard): boolean {
  return number % shard.count === shard.index - 1;
}

const HEADER_KEY = 'rrr_study';
/** "true" when Ctrl-C stopped the run that wrote the file: its trials are a part of its shard only. */
const INTERRUPTED_KEY = 'rrr_interrupted';

const sqlText = (text: string) => `'${text.replace(/'/g, "''")}'`;

const jsonPath = (key: string) => sqlText(`$."${key.replace(/["\\]/g, '\\$&')}"`);

/**
 * Columns for people and other tools, beside the exact JSON ones rrr reads back: `param_<name>` per
 * parameter (typed by its dimension) and one DOUBLE column per metric the trials report.
 */
function flatColumns(header: StudyHeader, trials: readonly FinishedTrial[]): string[] {
  const columns: string[] = [];
  for (const d of header.space.dimensions) {
    const values = d.kind === 'values' ? d.values : [];
    const type =
      d.kind === 'int' ? 'BIGINT' : d.kind === 'float' ? 'DOUBLE' : values.every((v) => typeof v === 'number') ? 'DOUBLE' : values.every((v) => typeof v === 'boolean') ? 'BOOLEAN' : 'VARCHAR';
    columns.push(`TRY_CAST(json_extract_string(params, ${jsonPath(d.name)}) AS ${type}) AS ${quote(`param_${d.name}`)}`);
  }
  const core = new Set(TRIAL_COLUMNS.split(', ').map((c) => c.split(' ')[0]));
  const metrics = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t.metrics)) if (!core.has(k)) metrics.add(k);
  for (const k of metrics) columns.push(`TRY_CAST(json_extract_string(metrics, ${jsonPath(k)}) AS DOUBLE) AS ${quote(k)}`);
  return columns;
}

/**
 * Writes trials as Parquet (one row per trial; params, metrics and moments as JSON text, the per-block
 * statistics as Float64 bytes, plus flat parameter and metric columns) with the header in the key-value metadata, and whether the run was
 * `interrupted` (merge refuses such a shard: its slice is incomplete). The file is written under a
 * temporary name beside `path` and renamed into place, so a crash never leaves a partial file there.
 */
export async function writeTrialsParquet(path: string, header: StudyHeader, trials: readonly FinishedTrial[], options: { interrupted?: boolean } = {}): Promise<void> {
  const temp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}-${Date.now().toString(36)}.rrr-partial`);
  const store = await Store.scratch();
  try {
    await store.run(`CREATE TABLE trials (${TRIAL_COLUMNS})`);
    const appender = await store.connection.createAppender('trials');
    for (const trial of [...trials].sort((a, b) => a.number - b.number)) {
      appendTrial(appender, trial);
      appender.endRow();
    }
    appender.closeSync();
    await store.connection.run(`COPY (SELECT ${['*', ...flatColumns(header, trials)].join(', ')} FROM trials ORDER BY number) TO ${sqlText(temp)} (FORMAT parquet, KV_METADATA {${HEADER_KEY}: ${sqlText(JSON.stringify(header))}, ${INTERRUPTED_KEY}: '${options.interrupted ? 'true' : 'false'}'})`);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const text = String((error as Error).message).split('\n')[0].replace(/\.$/, '');
    if (/No space left on device|ENOSPC/i.test(text)) {
      throw new UserError(`Cannot write ${path}: the disk is full; nothing was written (free some space or choose another place).`, { exitCode: 1, code: 'RRR_DISK_FULL', cause: error });
    }
    throw new UserError(`Cannot write ${path} (${code ?? text}): choose a writable place for --out.`, { exitCode: 1, code: 'RRR_WRITE_FAILED', cause: error });
  } finally {
    store.close();
  }
}

/** The Parquet files named: files as given, directories by their *.parquet files. */
function shardFiles(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new UserError('Give the shard files to merge, or the directories holding them (rrr optimize merge DIR|FILE...).', { code: 'RRR_NO_SHARDS' });
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UserError(`${path} does not exist: give the Parquet files written by "rrr optimize --shard i/n --out FILE", or their directory.`, { exitCode: 1, code: 'RRR_NO_SHARDS' });
    if (statSync(path).isDirectory()) {
      const inside = readdirSync(path).filter((name) => extname(name).toLowerCase() === '.parquet').sort().map((name) => join(path, name));
      if (inside.length === 0) throw new UserError(`The directory ${path} holds no .parquet file: give the directory the shards were written to.`, { exitCode: 1, code: 'RRR_NO_SHARDS' });
      files.push(...inside);
    } else files.push(path);
  }
  const seen = new Set<string>();
  for (const file of files) {
    const key = resolve(file);
    if (seen.has(key)) throw new UserError(`${file} is given twice: name each shard once.`, { code: 'RRR_DUPLICATE_SHARD' });
    seen.add(key);
  }
  return files;
}

/** What makes two shards parts of one study: everything but the id, time, command line, source path and own index. */
function studyIdentity(header: StudyHeader): string {
  const { id: _id, createdAt: _createdAt, command: _command, source: _source, shard, ...rest } = header;
  return JSON.stringify({ ...rest, shards: shard?.count ?? 1 });
}

/** The first field in which two headers differ, for the refusal. */
function firstDifference(a: StudyHeader, b: StudyHeader): string {
  const keys = ['strategy', 'dataFingerprint', 'symbols', 'timeframe', 'from', 'to', 'method', 'seed', 'trials', 'objective', 'direction', 'constraints', 'space', 'fixedParams', 'settings', 'pboSplits'] as const;
  for (const k of keys) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return k === 'dataFingerprint' ? 'data' : k;
  return 'shard count';
}

/**
 * Reads shard files (or directories of them) through DuckDB and returns the study they make together: the
 * header (without `shard`) and every trial in number order. Refused with a sentence: a file that is not an
 * rrr shard, shards of different studies, a shard missing or given twice, a trial outside its shard.
 */
export async function readShards(paths: readonly string[]): Promise<{ header: StudyHeader; trials: FinishedTrial[] }> {
  const files = shardFiles(paths);
  const store = await Store.scratch();
  try {
    const list = `[${files.map((f) => sqlText(f)).join(', ')}]`;
    const headers = new Map<string, StudyHeader>();
    for (const file of files) {
      let rows: Awaited<ReturnType<Store['rows']>>;
      try {
        rows = (await store.connection.runAndReadAll(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlText(file)}) WHERE decode(key) IN ('${HEADER_KEY}', '${INTERRUPTED_KEY}')`)).getRowObjects();
      } catch {
        throw new UserError(`${file} is not a Parquet file: give the files written by "rrr optimize --shard i/n --out FILE".`, { exitCode: 1, code: 'RRR_NOT_A_SHARD' });
      }
      const value = (key: string) => rows.find((r) => r.key === key)?.value;
      const text = value(HEADER_KEY);
      if (text === undefined) throw new UserError(`${file} is a Parquet file without an rrr study header: give the files written by "rrr optimize --shard i/n --out FILE".`, { exitCode: 1, code: 'RRR_NOT_A_SHARD' });
      const header = JSON.parse(String(text)) as StudyHeader;
      if (value(INTERRUPTED_KEY) === 'true') {
        const which = header.shard ? `shard ${header.shard.index}/${header.shard.count}` : 'the study';
        throw new UserError(`${file} holds an interrupted run of ${which}, so some of its trials are missing: run it again with "rrr optimize --resume ${header.id}" (where it ran) and write it anew.`, { exitCode: 1, code: 'RRR_SHARD_INTERRUPTED' });
      }
      headers.set(file, header);
    }
    const first = files[0];
    const reference = headers.get(first)!;
    const count = reference.shard?.count ?? 1;
    const byIndex = new Map<number, string>();
    for (const file of files) {
      const header = headers.get(file)!;
      if (file !== first && studyIdentity(header) !== studyIdentity(reference)) {
        throw new UserError(`${file} and ${first} are shards of different studies (they differ in their ${firstDifference(header, reference)}): merge only the shards of one study.`, { exitCode: 1, code: 'RRR_SHARDS_DIFFER' });
      }
      const index = header.shard?.index ?? 1;
      const twin = byIndex.get(index);
      if (twin !== undefined) throw new UserError(`${file} and ${twin} are both shard ${index}/${count}: give each shard once.`, { exitCode: 1, code: 'RRR_DUPLICATE_SHARD' });
      byIndex.set(index, file);
    }
    const missing = Array.from({ length: count }, (_, k) => k + 1).filter((i) => !byIndex.has(i));
    if (missing.length > 0) {
      throw new UserError(`Shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} of ${count} ${missing.length > 1 ? 'are' : 'is'} missing: give all ${count} shards of the study.`, { exitCode: 1, code: 'RRR_MISSING_SHARD' });
    }
    const rows = await store.rows(`SELECT ${TRIAL_COLUMNS.split(', ').map((c) => c.split(' ')[0]).join(', ')}, filename FROM read_parquet(${list}, filename = true) ORDER BY number`);
    const trials: FinishedTrial[] = [];
    for (const row of rows) {
      const trial = trialFromRow(row);
      const file = String(row.filename);
      const shard = (headers.get(file) ?? headers.get(files.find((f) => resolve(f) === resolve(file)) ?? ''))?.shard ?? { index: 1, count: 1 };
      if (!shardOf(trial.number, shard)) {
        throw new UserError(`${file} holds trial ${trial.number}, which is not in its shard ${shard.index}/${shard.count}: the file was not written by "rrr optimize --shard".`, { exitCode: 1, code: 'RRR_SHARDS_DIFFER' });
      }
      if (trials.length > 0 && trials[trials.length - 1].number === trial.number) {
        throw new UserError(`Trial ${trial.number} appears twice in ${file}: the file was not written by "rrr optimize".`, { exitCode: 1, code: 'RRR_DUPLICATE_SHARD' });
      }
      trials.push(trial);
    }
    const { shard: _shard, ...header } = reference;
    return { header, trials };
  } finally {
    store.close();
  }
}
