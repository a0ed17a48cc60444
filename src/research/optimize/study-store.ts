/**
 * Studies in the store: every trial of `rrr optimize` recorded under a study id (s1, s2, ...), so a study
 * can be resumed after Ctrl-C or kill -9 without repeating a finished trial.
 *
 * The store is shared by many processes, so a study holds its write lock only briefly: `create` records the
 * study in one short write, `append` writes finished trials to the study's journal beside the store (fsync'ed,
 * see journal.ts), and `finish` moves them into the store in one short write. `resume` reads the store's
 * trials plus whatever journal a killed run left.
 */
import type { DuckDBAppender, DuckDBValue } from '@duckdb/node-api';
import { withStore, type Store } from '../../data/store.js';
import type { MetricKey } from '../../engine/metrics.js';
import { UserError } from '../../errors.js';
import {
  blocksFromBytes,
  blocksToBytes,
  decodeMetrics,
  decodeMoments,
  encodeMetrics,
  encodeMoments,
  Journal,
  journalPath,
  readJournal,
  studyLockedByLiveProcess,
} from './journal.js';
import { checkGridSize } from '../search/space.js';
import type { SummaryContext } from './summary.js';
import type { Direction, FinishedTrial, ParamValue, SearchMethod, SearchSpace } from './types.js';

/** Everything that defines a study: what was searched, on which data, with which settings. */
export interface StudyHeader {
  id: string;
  createdAt: string;
  strategy: string;
  /** Where the bars came from: "store" or the --data files, as given. */
  source: string;
  symbols: string[];
  timeframe: string;
  from: string;
  to: string;
  dataFingerprint: string;
  method: SearchMethod;
  seed: number;
  trials?: number;
  direction: Direction;
  objective: MetricKey;
  constraints: string[];
  space: SearchSpace;
  fixedParams: Record<string, ParamValue>;
  settings: Record<string, unknown>;
  pboSplits: number;
  shard?: { index: number; count: number };
  /** The arguments `rrr optimize` was given (what --resume parses again). */
  command: string[];
}

/** running: started and not finished (if no process holds it, it was killed: resume it); interrupted: Ctrl-C. */
export type StudyState = 'running' | 'complete' | 'interrupted';

/** A study as listed: its header, where it stands, and its counts (journal included). */
export interface StudyListing {
  id: string;
  createdAt: string;
  updatedAt: string;
  state: StudyState;
  /** A live process is running it now. */
  active: boolean;
  strategy: string;
  symbols: string[];
  timeframe: string;
  method: SearchMethod;
  objective: MetricKey;
  direction: Direction;
  /** Finished trials, recorded in the store or in its journal. */
  trialCount: number;
  completeCount: number;
  /** The best objective among complete trials; null when none is complete. */
  bestValue: number | null;
  header: StudyHeader;
}

const ID_PATTERN = /^s[1-9]\d*$/;

function assertFileStore(db: string): void {
  if (db === ':memory:') throw new Error('A study is recorded in a store file, not in a ":memory:" store: pass the store path.');
}

/** The trial columns, in the order appendTrial writes them (study_trials and shard files alike). */
export const TRIAL_COLUMNS = 'number BIGINT, state VARCHAR, value DOUBLE, params VARCHAR, metrics VARCHAR, moments VARCHAR, blocks BLOB, reason VARCHAR';

/** Appends one trial's columns (TRIAL_COLUMNS) to the appender's current row. */
export function appendTrial(appender: DuckDBAppender, trial: FinishedTrial): void {
  appender.appendBigInt(BigInt(trial.number));
  appender.appendVarchar(trial.state);
  if (trial.value === undefined) appender.appendNull();
  else appender.appendDouble(trial.value);
  appender.appendVarchar(JSON.stringify(trial.params));
  appender.appendVarchar(encodeMetrics(trial.metrics));
  if (trial.moments) appender.appendVarchar(encodeMoments(trial.moments));
  else appender.appendNull();
  if (trial.blocks) appender.appendBlob(blocksToBytes(trial.blocks));
  else appender.appendNull();
  if (trial.reason === undefined) appender.appendNull();
  else appender.appendVarchar(trial.reason);
}

/** A row holding TRIAL_COLUMNS back as the trial that was written. */
export function trialFromRow(row: Record<string, DuckDBValue>): FinishedTrial {
  const trial: FinishedTrial = {
    number: Number(row.number),
    params: JSON.parse(String(row.params)),
    state: String(row.state) as FinishedTrial['state'],
    metrics: decodeMetrics(String(row.metrics)),
  };
  if (row.value !== null) trial.value = Number(row.value);
  if (row.moments !== null) trial.moments = decodeMoments(String(row.moments));
  if (row.blocks !== null) trial.blocks = blocksFromBytes((row.blocks as unknown as { bytes: Uint8Array }).bytes);
  if (row.reason !== null) trial.reason = String(row.reason);
  return trial;
}

/** Adds the trials the study does not have yet (by number) to study_trials; call inside a transaction. */
async function insertTrials(store: Store, id: string, trials: readonly FinishedTrial[]): Promise<void> {
  if (trials.length === 0) return;
  await store.run(`CREATE OR REPLACE TEMP TABLE incoming (${TRIAL_COLUMNS})`);
  const appender = await store.connection.createAppender('incoming', 'main', 'temp');
  for (const trial of trials) {
    appendTrial(appender, trial);
    appender.endRow();
  }
  appender.closeSync();
  await store.run(
    `INSERT INTO study_trials SELECT DISTINCT ON (number) ?, * FROM incoming
     WHERE number NOT IN (SELECT number FROM study_trials WHERE study_id = ?) ORDER BY number`,
    [id, id],
  );
  await store.run('DROP TABLE incoming');
}

/** Sets the study's state and recounts its trials from study_trials. */
async function updateStudy(store: Store, id: string, state: StudyState, direction: Direction): Promise<void> {
  const best = direction === 'minimize' ? 'min' : 'max';
  await store.run(
    `UPDATE studies SET state = ?, updated_at = ?,
       trial_count = (SELECT count(*) FROM study_trials WHERE study_id = ?),
       complete_count = (SELECT count(*) FROM study_trials WHERE study_id = ? AND state = 'complete'),
       best_value = (SELECT ${best}(value) FROM study_trials WHERE study_id = ? AND state = 'complete' AND NOT isnan(value))
     WHERE id = ?`,
    [state, new Date().toISOString(), id, id, id, id],
  );
}

async function studyRow(store: Store, id: string): Promise<Record<string, DuckDBValue> | undefined> {
  const [row] = await store.rows('SELECT * FROM studies WHERE id = ?', [id]);
  return row;
}

/** The study's row, or a sentence naming the newest ids when there is none. */
async function requireStudy(store: Store, id: string): Promise<Record<string, DuckDBValue>> {
  if (!ID_PATTERN.test(id)) {
    throw new UserError(`Study id "${id}" is not valid: study ids look like s12 (see "rrr studies list").`, { code: 'RRR_BAD_STUDY_ID' });
  }
  const row = await studyRow(store, id);
  if (row) return row;
  const newest = (await store.rows('SELECT id FROM studies ORDER BY CAST(substr(id, 2) AS BIGINT) DESC LIMIT 3')).map((r) => String(r.id));
  throw new UserError(
    `There is no study ${id} in ${store.path}${newest.length === 0 ? ': no study is recorded yet' : `: the newest ${newest.length === 1 ? 'is' : 'are'} ${newest.join(', ')}`} (see "rrr studies list").`,
    { exitCode: 1, code: 'RRR_UNKNOWN_STUDY' },
  );
}

async function storedTrials(store: Store, id: string): Promise<FinishedTrial[]> {
  const rows = await store.rows('SELECT * EXCLUDE (study_id) FROM study_trials WHERE study_id = ? ORDER BY number', [id]);
  return rows.map(trialFromRow);
}

/** Trials of both sources, each number once, in number order (a trial in both is the same trial). */
function mergeTrials(a: readonly FinishedTrial[], b: readonly FinishedTrial[]): FinishedTrial[] {
  const byNumber = new Map<number, FinishedTrial>();
  for (const t of a) byNumber.set(t.number, t);
  for (const t of b) if (!byNumber.has(t.number)) byNumber.set(t.number, t);
  return [...byNumber.values()].sort((x, y) => x.number - y.number);
}

const headerOf = (row: Record<string, DuckDBValue>): StudyHeader => JSON.parse(String(row.header)) as StudyHeader;

/** Records a study's trials as they finish; see the module comment for where they go and when. */
export class StudyRecorder {
  private finished = false;

  private constructor(
    readonly db: string,
    readonly header: StudyHeader,
    private readonly journal: Journal,
  ) {}

  get id(): string {
    return this.header.id;
  }

  /** Where this study's trials wait until finish() moves them into the store. */
  get journalPath(): string {
    return this.journal.path;
  }

  /** Records a new study (one short write to the store) and opens its journal. */
  static async create(db: string, header: Omit<StudyHeader, 'id' | 'createdAt'>): Promise<StudyRecorder> {
    assertFileStore(db);
    const createdAt = new Date().toISOString();
    const full = await withStore(db, { create: true, recordsOnly: true }, (store) =>
      store.transaction(async () => {
        const [row] = await store.rows('SELECT coalesce(max(CAST(substr(id, 2) AS BIGINT)), 0) + 1 AS next FROM studies');
        const study: StudyHeader = { id: `s${Number(row.next)}`, createdAt, ...header };
        await store.run(
          `INSERT INTO studies (id, created_at, updated_at, state, strategy, symbols, timeframe, method, objective, direction, data_fingerprint, header, trial_count, complete_count, best_value)
           VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, NULL)`,
          [study.id, createdAt, createdAt, study.strategy, JSON.stringify(study.symbols), study.timeframe, study.method, study.objective, study.direction, study.dataFingerprint, JSON.stringify(study)],
        );
        return study;
      }),
    );
    return new StudyRecorder(db, full, Journal.open(db, { id: full.id, createdAt }));
  }

  /**
   * Continues a study: refused with a sentence when it does not exist, is complete, is being run by another
   * process, or was run on other data than `dataFingerprint`. Returns its finished trials (store and journal).
   */
  static async resume(db: string, id: string, dataFingerprint: string): Promise<{ recorder: StudyRecorder; header: StudyHeader; trials: FinishedTrial[] }> {
    assertFileStore(db);
    const check = async (store: Store) => {
      const row = await requireStudy(store, id);
      const header = headerOf(row);
      if (String(row.state) === 'complete') {
        throw new UserError(`Study ${id} is complete (${Number(row.trial_count)} trials, finished ${String(row.updated_at)}): there is nothing to resume; see "rrr studies show ${id}".`, { code: 'RRR_STUDY_COMPLETE' });
      }
      if (header.dataFingerprint !== dataFingerprint) {
        throw new UserError(
          `The data of study ${id} changed since it ran (fingerprint ${header.dataFingerprint} then, ${dataFingerprint} now): its trials would not compare with new ones, so start a new study instead of resuming it.`,
          { exitCode: 1, code: 'RRR_STUDY_DATA_CHANGED' },
        );
      }
      return header;
    };
    // Checked before the lock is taken, so a refusal leaves nothing behind.
    const header = await withStore(db, { readOnly: true }, check);
    const journal = Journal.open(db, { id, createdAt: header.createdAt });
    try {
      // Read again under the lock: a run that finished meanwhile moved its journal into the store.
      const stored = await withStore(db, { readOnly: true }, async (store) => {
        await check(store);
        return storedTrials(store, id);
      });
      const pending = readJournal(db, { id, createdAt: header.createdAt })?.trials ?? [];
      return { recorder: new StudyRecorder(db, header, journal), header, trials: mergeTrials(stored, pending) };
    } catch (error) {
      journal.close(false);
      throw error;
    }
  }

  /** Records finished trials durably (fsync'ed to the journal) before it returns. */
  append(trials: readonly FinishedTrial[]): void {
    if (this.finished) throw new Error(`Study ${this.id} is finished: append() must come before finish().`);
    this.journal.append(trials);
  }

  /**
   * Moves the journal's trials into the store and records the study's state, in one short write; the
   * journal is then removed. When the store cannot be written, the journal stays and the error says so.
   */
  async finish(state: 'complete' | 'interrupted'): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const owner = { id: this.id, createdAt: this.header.createdAt };
    try {
      const pending = readJournal(this.db, owner)?.trials ?? [];
      await withStore(this.db, { create: false, recordsOnly: true }, (store) =>
        store.transaction(async () => {
          await insertTrials(store, this.id, pending);
          await updateStudy(store, this.id, state, this.header.direction);
        }),
      );
    } catch (error) {
      this.journal.close(false);
      const why = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
      throw new UserError(`Study ${this.id}'s trials could not be moved into the store (${why}); they are kept in ${journalPath(this.db, this.id)} and "rrr optimize --resume ${this.id}" continues from them.`, { exitCode: 1, code: 'RRR_STUDY_NOT_RECORDED', cause: error });
    }
    this.journal.close(true);
  }
}

/** A listing row from the store, with what the study's journal holds beyond it. */
function listing(db: string, row: Record<string, DuckDBValue>, pending: readonly FinishedTrial[]): StudyListing {
  const header = headerOf(row);
  let trialCount = Number(row.trial_count);
  let completeCount = Number(row.complete_count);
  let bestValue = row.best_value === null ? null : Number(row.best_value);
  for (const t of pending) {
    trialCount++;
    if (t.state !== 'complete' || t.value === undefined || Number.isNaN(t.value)) continue;
    completeCount++;
    if (bestValue === null || (header.direction === 'minimize' ? t.value < bestValue : t.value > bestValue)) bestValue = t.value;
  }
  return {
    id: String(row.id),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    state: String(row.state) as StudyState,
    active: String(row.state) !== 'complete' && studyLockedByLiveProcess(db, String(row.id)),
    strategy: String(row.strategy),
    symbols: JSON.parse(String(row.symbols)),
    timeframe: String(row.timeframe),
    method: String(row.method) as SearchMethod,
    objective: String(row.objective) as MetricKey,
    direction: String(row.direction) as Direction,
    trialCount,
    completeCount,
    bestValue,
    header,
  };
}

/** Journal trials the store does not hold yet (a running or killed study's). */
async function pendingTrials(store: Store, row: Record<string, DuckDBValue>): Promise<FinishedTrial[]> {
  if (String(row.state) === 'complete') return [];
  const journal = readJournal(store.path, { id: String(row.id), createdAt: String(row.created_at) });
  if (!journal || journal.trials.length === 0) return [];
  const stored = new Set((await store.rows('SELECT number FROM study_trials WHERE study_id = ?', [String(row.id)])).map((r) => Number(r.number)));
  return journal.trials.filter((t) => !stored.has(t.number));
}

/** The studies in the store, newest first (a read: pass a read-only store). */
export async function listStudies(store: Store, options: { strategy?: string; limit?: number } = {}): Promise<StudyListing[]> {
  const limit = Math.max(1, Math.floor(options.limit ?? 20));
  const rows = await store.rows(
    `SELECT * FROM studies ${options.strategy ? 'WHERE strategy = ?' : ''} ORDER BY CAST(substr(id, 2) AS BIGINT) DESC LIMIT ${limit}`,
    options.strategy ? [options.strategy] : [],
  );
  const out: StudyListing[] = [];
  for (const row of rows) out.push(listing(store.path, row, await pendingTrials(store, row)));
  return out;
}

/** One study with all its finished trials in number order, the journal's included (a read). */
export async function getStudy(store: Store, id: string): Promise<StudyListing & { trials: FinishedTrial[] }> {
  const row = await requireStudy(store, id);
  const pending = await pendingTrials(store, row);
  return { ...listing(store.path, row, pending), trials: mergeTrials(await storedTrials(store, id), pending) };
}

/** How many of a study's `total` trial numbers (0 .. total-1) fall in the shard. */
function shardTotal(total: number, shard: StudyHeader['shard']): number {
  if (!shard) return total;
  return Math.max(0, Math.ceil((total - (shard.index - 1)) / shard.count));
}

/** What summarizeSearch needs to report a recorded study (or merged shards) as rrr optimize reported it. */
export function studySummaryContext(header: StudyHeader, top: number): SummaryContext {
  const flags = (header.settings as { flags?: unknown }).flags;
  return {
    strategy: header.strategy,
    symbols: header.symbols,
    timeframe: header.timeframe,
    from: header.from,
    to: header.to,
    dataFingerprint: header.dataFingerprint,
    method: header.method,
    ...(header.method === 'grid' ? {} : { seed: header.seed }),
    objective: header.objective,
    direction: header.direction,
    constraints: header.constraints,
    space: header.space,
    // A random search's trial numbers include the proposals pruned before running, so a shard's share of
    // them is not known in advance.
    total: header.method === 'grid' ? shardTotal(checkGridSize(header.space, true), header.shard) : header.shard ? undefined : header.trials,
    top,
    pboSplits: header.pboSplits,
    settings: Array.isArray(flags) ? (flags as [string, string | true][]) : [],
  };
}

/**
 * The state as a person reads it: running while a live process holds the study (a resumed interrupted one
 * included); a "running" study that no live process holds was killed, so "stopped".
 */
export function studyStateLabel(study: Pick<StudyListing, 'state' | 'active'>): 'running' | 'stopped' | 'interrupted' | 'complete' {
  if (study.active) return 'running';
  return study.state === 'running' ? 'stopped' : study.state;
}
