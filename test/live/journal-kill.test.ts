import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal, runOwner } from '../../src/live/journal.js';
import { tempDir } from '../helpers/cli.js';

// The child runs the built module (vitest's global setup compiles dist/), as the runner would.
const JOURNAL_JS = pathToFileURL(resolve('dist/live/journal.js')).href;

/** Appends numbered entries as fast as it can and prints each number once append has returned (fsync'd). */
const CHILD = `
import { Journal } from ${JSON.stringify(JOURNAL_JS)};
const { journal } = Journal.open(process.argv[1]);
const start = Number(process.argv[2]);
for (let k = start; ; k++) {
  journal.append({ kind: 'note', time: k, level: 'info', message: 'seq ' + k + ' ' + 'x'.repeat(k % 200) });
  process.stdout.write(k + '\\n');
}
`;

/** Starts the appender, kills it with SIGKILL once it has acknowledged `after` entries; returns the last acknowledged. */
async function appendThenKill(folder: string, start: number, after: number): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, folder, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let acknowledged = start - 1;
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      if (lines.length > 0) acknowledged = Number(lines.at(-1));
      if (acknowledged >= start + after - 1 && !child.killed) {
        child.kill('SIGKILL');
        done();
      }
    });
    child.on('exit', () => fail(new Error(`the appender ended before it was killed: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');
  return acknowledged;
}

describe('journal under kill -9', () => {
  it('every entry acknowledged before SIGKILL is readable, in order, across three kills and resumes', async () => {
    const folder = join(tempDir('rrr-journal-kill-'), 'paper-1');
    mkdirSync(folder);
    let next = 0;
    for (let round = 0; round < 3; round++) {
      const acknowledged = await appendThenKill(folder, next, 200 + 150 * round);
      // The dead appender's runner.pid is left behind and names a dead process.
      expect(runOwner(folder)?.alive).toBe(false);
      const read = readJournal(folder);
      const seqs = read.entries.map((e) => e.time);
      // Nothing lost (all acknowledged are there), nothing doubled or reordered (exactly 0..n-1).
      expect(seqs.length).toBeGreaterThanOrEqual(acknowledged + 1);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => k));
      // The next appender takes the run over, cuts any torn tail and continues the sequence.
      next = seqs.length;
    }
    const { journal } = Journal.open(folder);
    journal.append({ kind: 'stop', time: next, reason: 'done' });
    journal.close();
    const final = readJournal(folder);
    expect(final.tornBytes).toBe(0);
    expect(final.entries.map((e) => e.time)).toEqual(Array.from({ length: next + 1 }, (_, k) => k));
  });
});
