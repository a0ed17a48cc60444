import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { DuckDBInstance } from '@duckdb/node-api';
import { UserError } from '../errors.js';
import { duckdb } from './duckdb-module.js';
import { storeError } from './store-errors.js';

/**
 * DuckDB lets one process write a file, or several read it, never both: a second process gets this
 * message. Matched exactly, because looser patterns (/lock/) also match "block" in corruption messages.
 */
const LOCK_MESSAGE = /Could not set lock on file .*Conflicting lock is held/s;

export function isLockError(error: unknown): boolean {
  return LOCK_MESSAGE.test(String((error as Error)?.message ?? error));
}

/** Process-wide: how long a busy store is waited for, and where "waiting" is said. */
const settings = {
  waitMs: 30_000,
  notice: (message: string): void => {
    if (process.stderr.isTTY) process.stderr.write(`${message}\n`);
  },
};

/** How long opening a busy store waits before failing (the CLI sets it from --wait); 0 fails at once. */
export function setStoreWait(ms: number): void {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`wait ${ms} is not valid: give a number of milliseconds, 0 or more.`);
  settings.waitMs = ms;
}

export function storeWait(): number {
  return settings.waitMs;
}

/** Where the one-line "waiting for the store" notice goes (default: stderr when it is a terminal). */
export function setStoreNotice(notice: (message: string) => void): void {
  settings.notice = notice;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * DuckDB's locks favour nobody: with readers coming and going a writer may never find the file free. A
 * waiting writer therefore keeps this marker fresh beside the store, and readers about to open hold back
 * while it is, so the writer gets in between two readers. A stale marker (its writer gone) is ignored.
 */
const writerMarker = (path: string) => `${path}.writer-waiting`;
const MARKER_FRESH_MS = 1_000;

function writerWaiting(path: string): boolean {
  try {
    return Date.now() - statSync(writerMarker(path)).mtimeMs < MARKER_FRESH_MS;
  } catch {
    return false;
  }
}

function markWriterWaiting(path: string): void {
  try {
    writeFileSync(writerMarker(path), String(process.pid));
  } catch {
    // An unwritable directory only costs the writer its preference.
  }
}

function clearWriterMark(path: string): void {
  try {
    const owner = readFileSync(writerMarker(path), 'utf8');
    if (owner === String(process.pid) || !writerWaiting(path)) unlinkSync(writerMarker(path));
  } catch {
    // Already gone, or another writer's fresh marker: left alone.
  }
}

/**
 * Opens the DuckDB file, waiting with jittered backoff while another process holds a conflicting lock
 * (and, for a reader, while a writer is waiting). Every other failure becomes a sentence at once.
 */
export async function openInstance(path: string, readOnly: boolean, waitMs = settings.waitMs): Promise<DuckDBInstance> {
  const { DuckDBInstance } = duckdb();
  const deadline = Date.now() + waitMs;
  let delay = 20;
  let told = false;
  let marked = false;
  try {
    for (;;) {
      let busy: unknown;
      if (readOnly && writerWaiting(path) && Date.now() < deadline) {
        busy = new Error('a writer is waiting');
      } else {
        try {
          return await DuckDBInstance.create(path, readOnly ? { access_mode: 'READ_ONLY' } : {});
        } catch (error) {
          if (!isLockError(error)) throw storeError(path, error);
          busy = error;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const seconds = waitMs / 1000;
        throw new UserError(
          waitMs === 0
            ? `The store ${path} is in use by another process (--wait 0 does not wait): retry later, or pass --wait SECONDS to wait for it.`
            : `The store ${path} stayed in use by another process for ${seconds} s: retry later, or pass a longer --wait SECONDS (now ${seconds}).`,
          { exitCode: 1, code: 'RRR_DB_BUSY', cause: busy },
        );
      }
      if (!readOnly) {
        markWriterWaiting(path);
        marked = true;
      }
      if (!told) {
        told = true;
        const pid = /PID (\d+)/.exec(String((busy as Error).message))?.[1];
        settings.notice(`Waiting for the store ${path} (held by another rrr process${pid ? `, PID ${pid}` : ''}; up to ${waitMs / 1000} s, see --wait)...`);
      }
      // Jitter keeps many waiting processes from retrying in step. A writer needs a moment with no reader
      // at all, so it retries more often than a reader, which only needs the writer gone.
      await sleep(Math.min(left, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, readOnly ? 400 : 60);
    }
  } finally {
    if (marked) clearWriterMark(path);
  }
}
