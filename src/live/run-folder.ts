import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suggestion, UserError } from '../errors.js';
import { makeDirectories } from '../data/make-dirs.js';

/**
 * Where paper and live runs keep their journal, owner file and endpoint: `<folder of the store>/live/<runId>/`,
 * beside the store rather than inside it, so a running runner never holds the store.
 */

export type RunMode = 'paper' | 'live';

export interface RunFolder {
  readonly runId: string;
  readonly mode: RunMode;
  /** The number after the mode: paper-3 -> 3. */
  readonly number: number;
  readonly folder: string;
  /** When the folder was made (epoch ms): the order of "the latest run". */
  readonly created: number;
}

const RUN_ID = /^(paper|live)-([1-9][0-9]*)$/;

/** The folder holding every run's folder, for a store file path (as resolveDbPath gives it). */
export function liveBase(dbPath: string): string {
  return join(dirname(dbPath), 'live');
}

function parseRunId(name: string): { mode: RunMode; number: number } | undefined {
  const m = RUN_ID.exec(name);
  return m ? { mode: m[1] as RunMode, number: Number(m[2]) } : undefined;
}

/** Runs under `base`, oldest first (by creation, then number); none when the folder does not exist. */
export function listRuns(base: string): RunFolder[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs: RunFolder[] = [];
  for (const name of names) {
    const id = parseRunId(name);
    if (!id) continue;
    const folder = join(base, name);
    const stat = statSync(folder, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) continue;
    // birthtime is 0 where the file system does not record it: the folder's ctime is the next best.
    runs.push({ runId: name, ...id, folder, created: stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.ctimeMs });
  }
  return runs.sort((a, b) => a.created - b.created || a.mode.localeCompare(b.mode) || a.number - b.number);
}

/** The most recently created run, or undefined when there is none. */
export function latestRun(base: string): RunFolder | undefined {
  return listRuns(base).at(-1);
}

/**
 * Makes the next run's folder (`paper-1`, `paper-2`, ...). mkdir without `recursive` fails when the folder
 * exists, so two processes starting at once each get their own number.
 */
export function createRunFolder(base: string, mode: RunMode): RunFolder {
  if (mode !== 'paper' && mode !== 'live') throw new RangeError(`Run mode "${String(mode)}" is not valid: use paper or live.`);
  makeDirectories(base);
  let number = listRuns(base).filter((r) => r.mode === mode).reduce((max, r) => Math.max(max, r.number), 0) + 1;
  for (;;) {
    const runId = `${mode}-${number}`;
    const folder = join(base, runId);
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        number++;
        continue;
      }
      throw error;
    }
    const stat = statSync(folder);
    return { runId, mode, number, folder, created: stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.ctimeMs };
  }
}

/** The folder of an existing run; one sentence naming the runs that exist otherwise. */
export function findRunFolder(base: string, runId: string): RunFolder {
  const runs = listRuns(base);
  const found = runs.find((r) => r.runId === runId);
  if (found) return found;
  const ids = runs.map((r) => r.runId);
  const hint = RUN_ID.test(runId) || ids.length > 0 ? suggestion(runId, ids, 'runs') : ' Run ids look like paper-1 or live-2.';
  throw new UserError(`No run "${runId}" in ${base}.${hint}`, { code: 'RRR_UNKNOWN_RUN', exitCode: 2 });
}
