/**
 * A running study's journal: its finished trials, one JSON line each, appended and fsync'ed beside the store
 * (`<store>.studies/<id>.jsonl`), so a long study never holds the store's write lock and a kill -9 loses no
 * trial that append() acknowledged. The first line names the study (id and creation time): a journal left by
 * a deleted store of the same path is never taken for a new study's. A lock file (`<id>.lock`, the owner's
 * pid) keeps two processes from running one study at once.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import type { ReturnMoments } from '../overfitting/sharpe-stats.js';
import type { FinishedTrial } from './types.js';
import { makeDirectories } from '../../data/make-dirs.js';

/** Where a store's study journals live. */
export function journalDir(db: string): string {
  return `${db}.studies`;
}

export function journalPath(db: string, id: string): string {
  return join(journalDir(db), `${id}.jsonl`);
}

const lockPath = (db: string, id: string) => join(journalDir(db), `${id}.lock`);

// JSON has no NaN, infinities or -0, which metrics (a Sharpe with no variance) and moments can hold: they are
// written as these strings, where only numbers or null can stand, so a trial reads back bit for bit.
const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

export function encodeNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

export function decodeNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x in SPECIAL) return SPECIAL[x];
  throw new Error(`not an encoded number: ${JSON.stringify(x)}`);
}

/** Metrics as JSON text: null stays null, non-finite numbers become strings (encodeNumber). */
export function encodeMetrics(metrics: FinishedTrial['metrics']): string {
  const out: Record<string, number | string | null> = {};
  for (const [k, v] of Object.entries(metrics)) if (v !== undefined) out[k] = v === null ? null : encodeNumber(v);
  return JSON.stringify(out);
}

export function decodeMetrics(text: string): FinishedTrial['metrics'] {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, unknown>)) out[k] = v === null ? null : decodeNumber(v);
  return out as FinishedTrial['metrics'];
}

export function encodeMoments(moments: ReturnMoments): string {
  return JSON.stringify(Object.fromEntries(Object.entries(moments).map(([k, v]) => [k, encodeNumber(v)])));
}

export function decodeMoments(text: string): ReturnMoments {
  return Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, decodeNumber(v)])) as unknown as ReturnMoments;
}

/** The bytes of per-block statistics (copied, so the caller may reuse its array). */
export function blocksToBytes(blocks: Float64Array): Uint8Array {
  return new Uint8Array(blocks.buffer.slice(blocks.byteOffset, blocks.byteOffset + blocks.byteLength));
}

export function blocksFromBytes(bytes: Uint8Array): Float64Array {
  // Copied into a fresh buffer: DuckDB's and Buffer's bytes may sit at any offset of a shared pool.
  return new Float64Array(new Uint8Array(bytes).buffer);
}

/** One trial as one journal line (no newline inside). */
export function encodeTrial(trial: FinishedTrial): string {
  const line: Record<string, unknown> = { n: trial.number, s: trial.state, p: trial.params, m: JSON.parse(encodeMetrics(trial.metrics)) };
  if (trial.value !== undefined) line.v = encodeNumber(trial.value);
  if (trial.moments) line.o = JSON.parse(encodeMoments(trial.moments));
  if (trial.blocks) line.b = Buffer.from(blocksToBytes(trial.blocks)).toString('base64');
  if (trial.reason !== undefined) line.r = trial.reason;
  return JSON.stringify(line);
}

export function decodeTrial(text: string): FinishedTrial {
  const line = JSON.parse(text) as Record<string, any>;
  if (typeof line.n !== 'number' || typeof line.s !== 'string' || typeof line.p !== 'object' || typeof line.m !== 'object') throw new Error('not a trial line');
  const trial: FinishedTrial = { number: line.n, params: line.p, state: line.s as FinishedTrial['state'], metrics: decodeMetrics(JSON.stringify(line.m)) };
  if (line.v !== undefined) trial.value = decodeNumber(line.v);
  if (line.o !== undefined) trial.moments = decodeMoments(JSON.stringify(line.o));
  if (line.b !== undefined) trial.blocks = blocksFromBytes(Buffer.from(String(line.b), 'base64'));
  if (line.r !== undefined) trial.reason = line.r;
  return trial;
}

/** What identifies a study's journal as its own. */
export interface JournalOwner {
  id: string;
  createdAt: string;
}

export interface JournalContents {
  /** The journal's trials, each number once (the first line written wins), in number order. */
  trials: FinishedTrial[];
  /** Bytes up to the end of the last whole line: a kill during a write can leave a torn tail after it. */
  wholeBytes: number;
}

/**
 * Reads a journal. Undefined when there is none, or when it belongs to another study of the same id (from a
 * store that was deleted and made anew at the same path). A torn last line is left out; damage anywhere
 * else is refused with a sentence.
 */
export function readJournal(db: string, owner: JournalOwner): JournalContents | undefined {
  const path = journalPath(db, owner.id);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`Cannot read the journal ${path} of study ${owner.id} (${(error as NodeJS.ErrnoException).code ?? 'error'}): make it readable to resume the study.`, { exitCode: 1, code: 'RRR_JOURNAL_UNREADABLE', cause: error });
  }
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n').slice(0, -1);
  if (lines.length === 0 || !isOwnHead(lines[0], owner)) return undefined;
  const byNumber = new Map<number, FinishedTrial>();
  for (let i = 1; i < lines.length; i++) {
    let trial: FinishedTrial;
    try {
      trial = decodeTrial(lines[i]);
    } catch {
      throw new UserError(`The journal ${path} of study ${owner.id} is damaged at line ${i + 1}: restore it from a backup, or remove it to resume with the trials the store holds.`, { exitCode: 1, code: 'RRR_JOURNAL_DAMAGED' });
    }
    if (!byNumber.has(trial.number)) byNumber.set(trial.number, trial);
  }
  return { trials: [...byNumber.values()].sort((a, b) => a.number - b.number), wholeBytes: Buffer.byteLength(text.slice(0, end)) };
}

function isOwnHead(line: string, owner: JournalOwner): boolean {
  try {
    const head = JSON.parse(line) as Record<string, unknown>;
    return head.study === owner.id && head.createdAt === owner.createdAt;
  } catch {
    return false;
  }
}

/** Syncs a directory, so a file created or removed in it stays so after a crash. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems cannot sync a directory; the file's own fsync still holds its contents.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the study's lock: refused with a sentence while another live process holds it; a lock left by a
 * process that is gone (kill -9) is taken over.
 */
function takeLock(db: string, id: string): void {
  const path = lockPath(db, id);
  const me = `${process.pid} ${hostname()}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, me);
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(db, id, error);
    }
    let owner = '';
    try {
      owner = readFileSync(path, 'utf8').trim();
    } catch {
      continue; // removed meanwhile: try again
    }
    const [pid, host] = owner.split(' ');
    const alive = host !== hostname() || (Number(pid) !== process.pid && processAlive(Number(pid)));
    if (alive) {
      throw new UserError(`Study ${id} is being run by process ${pid}${host !== hostname() ? ` on ${host}` : ''}: wait for it to finish or stop it (if that process is gone, remove ${path}).`, { exitCode: 1, code: 'RRR_STUDY_BUSY' });
    }
    rmSync(path, { force: true });
  }
  throw new UserError(`Cannot take the lock ${path} of study ${id}: another process keeps taking it; try again.`, { exitCode: 1, code: 'RRR_STUDY_BUSY' });
}

function lockError(db: string, id: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new UserError(`Cannot write the journal of study ${id} in ${journalDir(db)} (${code}): the directory beside the store must be writable.`, { exitCode: 1, code: 'RRR_JOURNAL_UNWRITABLE', cause: error });
}

/** The open journal of the study this process runs. */
export class Journal {
  private fd: number | undefined;

  private constructor(
    readonly db: string,
    readonly owner: JournalOwner,
    fd: number,
  ) {
    this.fd = fd;
  }

  get path(): string {
    return journalPath(this.db, this.owner.id);
  }

  /**
   * Opens the study's journal for appending, under its lock. A journal of this study is kept (cut back to
   * its last whole line); one that is not this study's (a deleted store's) is moved aside, not read.
   */
  static open(db: string, owner: JournalOwner): Journal {
    const dir = journalDir(db);
    try {
      makeDirectories(dir);
    } catch (error) {
      throw lockError(db, owner.id, error);
    }
    takeLock(db, owner.id);
    try {
      const path = journalPath(db, owner.id);
      const existing = existsSync(path) ? readJournal(db, owner) : undefined;
      // A journal cut off before its first line holds nothing; any other that is not this study's is kept aside.
      if (existsSync(path) && !existing) {
        if (statSync(path).size === 0) rmSync(path);
        else renameSync(path, `${path}.orphaned-${Date.now()}`);
      }
      // O_APPEND: every write lands at the end, whatever was cut or written before.
      const fd = openSync(path, 'a');
      if (existing) ftruncateSync(fd, existing.wholeBytes);
      else writeSync(fd, `${JSON.stringify({ study: owner.id, createdAt: owner.createdAt })}\n`);
      fsyncSync(fd);
      syncDir(dir);
      return new Journal(db, owner, fd);
    } catch (error) {
      rmSync(lockPath(db, owner.id), { force: true });
      if (error instanceof UserError) throw error;
      throw lockError(db, owner.id, error);
    }
  }

  /** Appends the trials and returns once they are on disk (fsync). */
  append(trials: readonly FinishedTrial[]): void {
    if (this.fd === undefined) throw new Error(`The journal of study ${this.owner.id} is closed: append before finish().`);
    if (trials.length === 0) return;
    const text = `${trials.map(encodeTrial).join('\n')}\n`;
    const bytes = Buffer.from(text);
    // Positionless writes append at the file's end; a short write is continued, never left torn.
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, null);
    fsyncSync(this.fd);
  }

  /** Closes the journal; with `remove`, deletes it (its trials are in the store). The lock is let go. */
  close(remove: boolean): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (remove) {
      rmSync(this.path, { force: true });
      syncDir(journalDir(this.db));
    }
    rmSync(lockPath(this.db, this.owner.id), { force: true });
  }
}

/** Whether a live process holds the study's lock (for listing: "running" versus "stopped"). */
export function studyLockedByLiveProcess(db: string, id: string): boolean {
  try {
    const [pid, host] = readFileSync(lockPath(db, id), 'utf8').trim().split(' ');
    return host !== hostname() || processAlive(Number(pid));
  } catch {
    return false;
  }
}
