import { closeSync, fsyncSync, ftruncateSync, fstatSync, linkSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.js';
import type { JournalEntry } from './types.js';

/**
 * A run's journal: one JSON line per entry in `journal.jsonl`, written and fsync'd before the runner acts on
 * it, so whatever a crash or kill -9 interrupts, what was acted on is on disk. One process owns a run's journal
 * at a time, named in `runner.pid`.
 */

export const JOURNAL_FILE = 'journal.jsonl';
export const OWNER_FILE = 'runner.pid';

const KINDS = new Set<JournalEntry['kind']>(['start', 'resume', 'bar', 'order', 'order-state', 'fill', 'position', 'risk', 'note', 'drift', 'stop']);

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/** A process that has exited but not been reaped by its parent still answers kill(pid, 0): on Linux, ask /proc. */
function zombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Which process a pid is, beyond its number: on Linux the boot id and the process's start time (clock ticks
 * after boot), so a pid reused after a reboot or a container restart is not taken for the runner that
 * wrote the owner file. Empty elsewhere (the pid alone is then trusted).
 */
export function processIdentity(pid: number): string {
  if (process.platform !== 'linux') return '';
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, starttime field 22.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start ? `boot=${boot} start=${start}` : '';
  } catch {
    return '';
  }
}

/** The owner file's text: the pid on the first line (for `kill $(head -1 runner.pid)`), its identity on the second. */
function ownerText(pid: number): string {
  const identity = processIdentity(pid);
  return `${pid}\n${identity ? `${identity}\n` : ''}`;
}

/** The pid in a run's owner file and whether that process still lives; undefined when no process owns the run. */
export function runOwner(folder: string): { pid: number; alive: boolean } | undefined {
  let text: string;
  try {
    text = readFileSync(join(folder, OWNER_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const [first = '', recorded = ''] = text.split('\n');
  const pid = Number(first.trim());
  let alive = processAlive(pid) && (pid !== process.pid || heldHere.has(folder));
  // A live process with the same pid but another identity is not the runner: its pid was reused.
  if (alive && recorded.trim() !== '') {
    const now = processIdentity(pid);
    if (now !== '' && now !== recorded.trim()) alive = false;
  }
  return { pid, alive };
}

/** Folders whose journal this process has open: a second open in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * Takes the owner file: created by link(2) from a finished temporary file, so it never exists half-written and
 * only one process wins. A stale owner (its process is gone) is moved aside by rename and checked, so two
 * processes taking over the same crashed run cannot both win.
 */
function takeOwnership(folder: string, runId: string): void {
  const owner = join(folder, OWNER_FILE);
  const mine = join(folder, `${OWNER_FILE}.${process.pid}`);
  writeFileSync(mine, ownerText(process.pid), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        linkSync(mine, owner);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = runOwner(folder);
      if (current === undefined) continue;
      if (current.alive) {
        throw new UserError(`Run ${runId} is still running (pid ${current.pid}): stop it with "rrr stop ${runId}" before resuming it, or look at it with "rrr status ${runId}".`, { code: 'RRR_RUN_RUNNING', exitCode: 1 });
      }
      const aside = join(folder, `${OWNER_FILE}.stale.${process.pid}`);
      try {
        renameSync(owner, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      // Someone else may have replaced the stale file between our read and our rename: give theirs back.
      if (Number(readFileSync(aside, 'utf8').split('\n')[0].trim()) !== current.pid) {
        try {
          linkSync(aside, owner);
        } catch {
          // Another process took the run in the meantime; the loop finds it alive.
        }
      }
      unlinkSync(aside);
    }
    throw new UserError(`Could not take run ${runId}: other processes keep changing ${owner}; try again.`, { code: 'RRR_RUN_BUSY', exitCode: 1 });
  } finally {
    unlinkSync(mine);
  }
}

export interface JournalOpenResult {
  readonly journal: Journal;
  /** Bytes of a torn last line (a write cut by a crash) removed so that new lines start on a line of their own. */
  readonly tornBytes: number;
}

export class Journal {
  private fd: number | null;

  private constructor(
    readonly folder: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Opens a run's journal for appending, taking ownership of the run (refused with one sentence while another
   * live process owns it; a dead owner's file is taken over). A torn last line is cut off: it was never
   * acted on, since the runner acts only after a line is written.
   */
  static open(folder: string): JournalOpenResult {
    const runId = basename(folder);
    if (heldHere.has(folder)) throw new UserError(`Run ${runId}'s journal is already open in this process.`, { code: 'RRR_RUN_RUNNING', exitCode: 1 });
    takeOwnership(folder, runId);
    heldHere.add(folder);
    try {
      const fd = openSync(join(folder, JOURNAL_FILE), 'a+', 0o600);
      const tornBytes = cutTornTail(fd);
      syncFolder(folder);
      return { journal: new Journal(folder, fd), tornBytes };
    } catch (error) {
      heldHere.delete(folder);
      unlinkSync(join(folder, OWNER_FILE));
      throw error;
    }
  }

  /**
   * 'entry': every append waits until it is on disk. 'action': appends are held in memory and written to the
   * file, in one write, at flush() (the runner flushes before each order it sends and at the end of each bar:
   * a kill -9 then loses only entries a replay of the journaled bars makes again) and reach the disk at sync(),
   * which the runner calls before an order to a venue; a replay does not pay an fsync (milliseconds) per entry.
   */
  durability: 'entry' | 'action' = 'entry';
  private pending: string[] = [];
  private unsynced = false;

  /** Appends one entry (and, with durability 'entry', waits until it is on disk). */
  append(entry: JournalEntry): void {
    this.appendAll([entry]);
  }

  /**
   * Appends entries decided together (a bar, the risk decision and the order it allows) with one write and
   * one fsync: each fsync costs milliseconds, and a crash keeps a prefix of whole lines either way.
   */
  appendAll(entries: readonly JournalEntry[]): void {
    if (this.fd === null) throw new Error(`The journal of ${this.folder} is closed.`);
    for (const e of entries) this.pending.push(`${JSON.stringify(e)}\n`);
    if (this.durability === 'entry') this.sync();
  }

  /** Writes what was appended to the file (where a kill -9 cannot lose it). */
  flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    this.unsynced = true;
  }

  /** Writes what was appended and waits until it is on disk. */
  sync(): void {
    this.flush();
    if (this.fd === null || !this.unsynced) return;
    fsyncSync(this.fd);
    this.unsynced = false;
  }

  /** Closes the journal and gives up ownership of the run. */
  close(): void {
    if (this.fd === null) return;
    this.sync();
    closeSync(this.fd);
    this.fd = null;
    heldHere.delete(this.folder);
    try {
      unlinkSync(join(this.folder, OWNER_FILE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** A new file's name is on disk only once its folder is synced (power cuts; kill -9 alone would not need it). */
function syncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Truncates the file after its last newline; returns how many bytes went. */
function cutTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  // Scan back from the end in chunks for the last newline: journals grow large, torn tails are short.
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) {
      const keep = start + at + 1;
      if (keep === size) return 0;
      ftruncateSync(fd, keep);
      fsyncSync(fd);
      return size - keep;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
  fsyncSync(fd);
  return size;
}

export interface JournalContents {
  readonly entries: JournalEntry[];
  /** Bytes of an unfinished last line (a write cut by a crash), left out of `entries`. */
  readonly tornBytes: number;
  /** One sentence about a torn last line, when there is one. */
  readonly warning?: string;
}

/**
 * Reads a run's journal. An unfinished last line (kill -9 or a power cut mid-write) is left out and reported;
 * a line that ends but does not parse is damage made after writing, refused with one sentence.
 */
export function readJournal(folder: string): JournalContents {
  const file = join(folder, JOURNAL_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`Run ${basename(folder)} has no journal (${file} is missing): the run never started or its folder was changed.`, { code: 'RRR_NO_JOURNAL', exitCode: 1 });
    }
    throw error;
  }
  // Split on the last newline in bytes: a torn line may end inside a multi-byte character.
  const complete = bytes.lastIndexOf(0x0a) + 1;
  const tornBytes = bytes.length - complete;
  const lines = complete === 0 ? [] : bytes.subarray(0, complete - 1).toString('utf8').split('\n');
  const entries: JournalEntry[] = [];
  for (let k = 0; k < lines.length; k++) {
    const entry = parseLine(lines[k]);
    if (entry === undefined) {
      throw new UserError(
        `Journal ${file} is damaged at line ${k + 1} of ${lines.length + (tornBytes > 0 ? 1 : 0)} (not a journal entry): it was changed after it was written, so the run cannot be read or resumed.`,
        { code: 'RRR_JOURNAL_DAMAGED', exitCode: 1 },
      );
    }
    entries.push(entry);
  }
  if (tornBytes === 0) return { entries, tornBytes };
  return {
    entries,
    tornBytes,
    warning: `The last line of ${file} is unfinished (${tornBytes} bytes, a write cut by a crash): it is ignored, and it was never acted on.`,
  };
}

function parseLine(line: string): JournalEntry | undefined {
  try {
    const value = JSON.parse(line) as { kind?: unknown; time?: unknown } | null;
    if (value === null || typeof value !== 'object' || !KINDS.has(value.kind as JournalEntry['kind']) || typeof value.time !== 'number') return undefined;
    return value as JournalEntry;
  } catch {
    return undefined;
  }
}
