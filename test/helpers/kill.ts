import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRange } from '../../src/data/time.js';
import { runPaperSession } from '../../src/live/session.js';
import type { JournalEntry } from '../../src/live/types.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';

const BIN = resolve('bin/run.js');

/**
 * Starts `rrr ARGS` in `cwd`, waits until it is trading (its journal grew past what it had), then kills it with
 * SIGKILL after `delay` ms; 'finished' when it ended on its own first. Shared by the kill -9 test and bench.
 */
export async function runAndKill(cwd: string, args: string[], journal: string, delay: number): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const size = existsSync(journal) ? statSync(journal).size : 0;
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !(existsSync(journal) && statSync(journal).size > size + 200)) await new Promise((r) => setTimeout(r, 10));
  if (done) return 'finished';
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, delay)))]);
  clearTimeout(timer);
  if (done) return 'finished';
  child.kill('SIGKILL');
  await exited;
  return 'killed';
}

const DEMO = resolve('datasets/demo-a_1d.csv');

/** What a run did, times aside (each session writes its own start, resume and stop times). */
export function tradingEntries(lines: readonly string[]): string[] {
  return lines
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalEntry)
    .filter((e) => e.kind !== 'start' && e.kind !== 'resume' && e.kind !== 'stop' && e.kind !== 'note')
    .map((e) => JSON.stringify(e));
}

const trading = (file: string) => tradingEntries(readFileSync(file, 'utf8').split('\n'));

/**
 * A paper run of demo bars (a year by default) killed with SIGKILL `kills` times at seeded random moments, resumed after
 * each, then run to the end; and the same run uninterrupted, in-process. Returns both journals' trading entries.
 */
export async function killAndResume(kills: number, seed: number, span: { from: string; to: string; speed: number } = { from: '2023-01-01', to: '2024-01-01', speed: 150 }): Promise<{ kills: number; resumes: number; expected: string[]; got: string[] }> {
  const reference = mkdtempSync(join(tmpdir(), 'rrr-kill-ref-'));
  const db = join(reference, '.rrr', 'rrr.duckdb');
  const whole = await runPaperSession({
    db,
    job: { strategy: 'sma-cross', params: { fast: '5', slow: '20' }, files: [DEMO], range: parseRange(span.from, span.to), db, sim: { direction: 'both', stopLoss: { kind: 'pct', value: 0.03 }, takeProfit: { kind: 'pct', value: 0.05 }, feeRate: 0.001 } },
  });
  const expected = trading(join(whole.folder, 'journal.jsonl'));
  const dir = mkdtempSync(join(tmpdir(), 'rrr-kill-'));
  const journal = join(dir, '.rrr', 'live', 'paper-1', 'journal.jsonl');
  const flags = ['--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--data', DEMO, '--from', span.from, '--to', span.to, '--direction', 'both', '--stop-loss', '3%', '--take-profit', '5%', '--fees', '0.001'];
  const speed = String(span.speed);
  const rng = new Mulberry32(seed);
  let done = 0;
  let first = true;
  while (done < kills) {
    const args = first ? ['paper', ...flags, '--speed', speed] : ['paper', '--resume', 'paper-1', '--speed', speed];
    const outcome = await runAndKill(dir, args, journal, Math.floor(rng.next() * 250));
    first = false;
    if (outcome === 'finished') break;
    done++;
  }
  await runAndKill(dir, ['paper', '--resume', 'paper-1', '--speed', '0'], journal, 600_000);
  const resumes = readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"kind":"resume"')).length;
  return { kills: done, resumes, expected, got: trading(journal) };
}
