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
  /** The run's tags (rrr runs tag), sorted. */
  tags: string[];
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

export async function recordRun(store: Store, run: Omit<RunRecord, 'id' | 'createdAt' | 'tags'>): Promise<number> {
  // The runs table comes with the store's schema (migration 2): recording never creates tables.
  store.assertWritable('Recording a run');
  const [row] = await store.rows(
    `INSERT INTO runs (strategy, symbols, timeframe, from_time, to_time, params, settings, data_fingerprint, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [run.strategy, JSON.stringify(run.symbols), run.timeframe, run.from, run.to, JSON.stringify(run.params), JSON.stringify(run.settings), run.dataFingerprint, JSON.stringify(run.metrics)],
  );
  return Number(row.id);
}

function toRecord(r: Record<string, unknown>, tags: string[]): RunRecord {
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
    tags,
  };
}

/** The runs of these rows with their tags: one query for all of them. */
async function withTags(store: Store, rows: Record<string, unknown>[]): Promise<RunRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => BigInt(String(r.id)));
  const tagRows = await store.rows(`SELECT run_id, tag FROM run_tags WHERE run_id IN (${ids.map(() => '?').join(', ')}) ORDER BY tag`, ids);
  const tags = new Map<number, string[]>();
  for (const t of tagRows) {
    const id = Number(t.run_id);
    tags.set(id, [...(tags.get(id) ?? []), String(t.tag)]);
  }
  return rows.map((r) => toRecord(r, tags.get(Number(r.id)) ?? []));
}

export async function listRuns(store: Store, options: { strategy?: string; tag?: string; limit?: number } = {}): Promise<RunRecord[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (options.strategy) {
    where.push('strategy = ?');
    params.push(options.strategy);
  }
  if (options.tag !== undefined) {
    where.push('id IN (SELECT run_id FROM run_tags WHERE tag = ?)');
    params.push(options.tag);
  }
  const rows = await store.rows(
    `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(options.limit ?? 20))}`,
    params,
  );
  return withTags(store, rows);
}

/** A run id as typed: a whole number, refused with a sentence otherwise. */
function parseRunId(id: string): bigint {
  if (!/^\d+$/.test(id)) throw new UserError(`Run id "${id}" is not valid: run ids are whole numbers (see "rrr runs list").`);
  return BigInt(id);
}

export async function getRun(store: Store, id: string): Promise<RunRecord> {
  return (await getRuns(store, [id]))[0];
}

/**
 * These runs, in the order given. Any id that is not recorded is refused, all of them named in one sentence,
 * so a command over several runs does nothing rather than part of its work.
 */
export async function getRuns(store: Store, ids: readonly string[]): Promise<RunRecord[]> {
  const wanted = ids.map(parseRunId);
  const rows = wanted.length === 0 ? [] : await store.rows(`SELECT * FROM runs WHERE id IN (${wanted.map(() => '?').join(', ')})`, wanted);
  const byId = new Map((await withTags(store, rows)).map((r) => [String(r.id), r]));
  const missing = [...new Set(wanted.map(String))].filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const [last] = await store.rows('SELECT max(id) AS id FROM runs');
    const which = missing.length === 1 ? `is no run ${missing[0]}` : `are no runs ${missing.join(', ')}`;
    throw new UserError(`There ${which} in ${store.path}${last.id === null ? ': no run is recorded yet' : `: the newest is ${Number(last.id)}`} (see "rrr runs list").`, { exitCode: 1, code: 'RRR_UNKNOWN_RUN' });
  }
  return wanted.map((id) => byId.get(String(id))!);
}

/** Letters, digits and . _ : / -, starting with a letter or digit, at most 64 characters. */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

/** A tag as typed, refused with a sentence when it is not one (a bare number would read as a run id). */
export function parseTag(tag: string): string {
  if (!TAG.test(tag)) {
    throw new UserError(`Tag "${tag}" is not valid: use 1 to 64 letters, digits and . _ : / -, starting with a letter or digit.`, { code: 'RRR_BAD_TAG' });
  }
  if (/^\d+$/.test(tag)) throw new UserError(`Tag "${tag}" is not valid: a tag cannot be a bare number, which reads as a run id; add a letter (e.g. "v${tag}").`, { code: 'RRR_BAD_TAG' });
  return tag;
}

export interface TagChange {
  run: RunRecord;
  /** The tags this call added or removed (a tag the run already had is not added again). */
  changed: string[];
}

/** Adds tags to a recorded run, in one transaction; returns the run with its tags afterwards. */
export async function addTags(store: Store, id: string, tags: readonly string[]): Promise<TagChange> {
  store.assertWritable('Tagging a run');
  const wanted = [...new Set(tags.map(parseTag))];
  return store.transaction(async () => {
    const before = await getRun(store, id);
    const changed = wanted.filter((t) => !before.tags.includes(t));
    for (const tag of changed) await store.run('INSERT INTO run_tags (run_id, tag) VALUES (?, ?)', [BigInt(before.id), tag]);
    return { run: await getRun(store, id), changed };
  });
}

/** Removes tags from a run; a tag the run does not have is refused (nothing is removed) rather than ignored. */
export async function removeTags(store: Store, id: string, tags: readonly string[]): Promise<TagChange> {
  store.assertWritable('Untagging a run');
  const wanted = [...new Set(tags.map(parseTag))];
  return store.transaction(async () => {
    const before = await getRun(store, id);
    const absent = wanted.filter((t) => !before.tags.includes(t));
    if (absent.length > 0) {
      throw new UserError(
        `Run ${before.id} has no tag ${absent.map((t) => `"${t}"`).join(', ')}: its tags are ${before.tags.length === 0 ? 'none' : before.tags.map((t) => `"${t}"`).join(', ')}.`,
        { exitCode: 1, code: 'RRR_UNKNOWN_TAG' },
      );
    }
    for (const tag of wanted) await store.run('DELETE FROM run_tags WHERE run_id = ? AND tag = ?', [BigInt(before.id), tag]);
    return { run: await getRun(store, id), changed: wanted };
  });
}

/** Deletes recorded runs and their tags, in one transaction: all of them, or none when any id is unknown. */
export async function deleteRuns(store: Store, ids: readonly string[]): Promise<RunRecord[]> {
  store.assertWritable('Deleting runs');
  return store.transaction(async () => {
    const runs = [...new Map((await getRuns(store, ids)).map((r) => [r.id, r])).values()];
    const keys = runs.map((r) => BigInt(r.id));
    const list = keys.map(() => '?').join(', ');
    await store.run(`DELETE FROM run_tags WHERE run_id IN (${list})`, keys);
    await store.run(`DELETE FROM runs WHERE id IN (${list})`, keys);
    return runs;
  });
}
