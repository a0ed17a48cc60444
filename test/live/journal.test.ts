import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, JOURNAL_FILE, OWNER_FILE, processAlive, processIdentity, readJournal, runOwner } from '../../src/live/journal.js';
import type { JournalEntry } from '../../src/live/types.js';
import { tempDir } from '../helpers/cli.js';

const note = (k: number): JournalEntry => ({ kind: 'note', time: 1000 + k, level: 'info', message: `entry ${k} é` });

function runFolder(name = 'paper-1'): string {
  const folder = join(tempDir('rrr-journal-'), name);
  mkdirSync(folder);
  return folder;
}

/** A pid that certainly belongs to no process: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('journal', () => {
  it('reads back what was appended, in order, and gives up ownership on close', () => {
    const folder = runFolder();
    const { journal, tornBytes } = Journal.open(folder);
    expect(tornBytes).toBe(0);
    expect(readFileSync(join(folder, OWNER_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
    for (let k = 0; k < 3; k++) journal.append(note(k));
    journal.appendAll([note(3), note(4)]);
    journal.appendAll([]);
    // Each line is on disk as soon as append returns, before close.
    expect(readJournal(folder).entries).toEqual([0, 1, 2, 3, 4].map(note));
    journal.close();
    expect(existsSync(join(folder, OWNER_FILE))).toBe(false);
    const read = readJournal(folder);
    expect(read.entries).toEqual([0, 1, 2, 3, 4].map(note));
    expect(read.tornBytes).toBe(0);
    expect(read.warning).toBeUndefined();
  });

  it('leaves out a torn last line and says so; a resumed journal cuts it and appends cleanly', () => {
    const folder = runFolder();
    const first = Journal.open(folder).journal;
    first.append(note(0));
    first.append(note(1));
    first.close();
    const torn = '{"kind":"note","time":1002,"lev';
    appendFileSync(join(folder, JOURNAL_FILE), torn);
    const read = readJournal(folder);
    expect(read.entries).toEqual([note(0), note(1)]);
    expect(read.tornBytes).toBe(torn.length);
    expect(read.warning).toMatch(/last line of .*journal\.jsonl is unfinished \(31 bytes/);

    const { journal, tornBytes } = Journal.open(folder);
    expect(tornBytes).toBe(torn.length);
    journal.append(note(2));
    journal.close();
    expect(readJournal(folder)).toEqual({ entries: [note(0), note(1), note(2)], tornBytes: 0 });
  });

  it('a torn line cut inside a multi-byte character is still only the tail', () => {
    const folder = runFolder();
    const whole = `${JSON.stringify(note(0))}\n`;
    const next = Buffer.from(JSON.stringify(note(1)), 'utf8');
    const cut = next.indexOf(Buffer.from('é')) + 1; // the first byte of the two-byte é
    writeFileSync(join(folder, JOURNAL_FILE), Buffer.concat([Buffer.from(whole), next.subarray(0, cut)]));
    const read = readJournal(folder);
    expect(read.entries).toEqual([note(0)]);
    expect(read.tornBytes).toBe(cut);
  });

  it('refuses a damaged line in the middle with one sentence naming the line', () => {
    const folder = runFolder();
    writeFileSync(join(folder, JOURNAL_FILE), `${JSON.stringify(note(0))}\n{"kind":"note","ti\n${JSON.stringify(note(2))}\n`);
    expect(() => readJournal(folder)).toThrow(/^Journal .*journal\.jsonl is damaged at line 2 of 3 \(not a journal entry\): [^\n]*\.$/);
    // A complete line that is JSON but not an entry is damage too.
    writeFileSync(join(folder, JOURNAL_FILE), `${JSON.stringify(note(0))}\n{"kind":"bogus","time":1}\n`);
    expect(() => readJournal(folder)).toThrow(/damaged at line 2 of 2/);
  });

  it('a missing journal is one sentence', () => {
    expect(() => readJournal(runFolder('paper-7'))).toThrow(/^Run paper-7 has no journal \(.*journal\.jsonl is missing\)/);
  });

  it('refuses a second owner while the first lives, in this process and in another', async () => {
    const folder = runFolder('paper-3');
    const { journal } = Journal.open(folder);
    expect(() => Journal.open(folder)).toThrow(/already open in this process/);
    journal.close();

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(folder, OWNER_FILE), `${sleeper.pid}\n`);
      expect(runOwner(folder)).toEqual({ pid: sleeper.pid, alive: true });
      expect(() => Journal.open(folder)).toThrow(`Run paper-3 is still running (pid ${sleeper.pid}): stop it with "rrr stop paper-3" before resuming it, or look at it with "rrr status paper-3".`);
      // The refused attempt left the owner's file as it was.
      expect(readFileSync(join(folder, OWNER_FILE), 'utf8')).toBe(`${sleeper.pid}\n`);
      // Its own identity recorded: still the owner.
      writeFileSync(join(folder, OWNER_FILE), `${sleeper.pid}\n${processIdentity(sleeper.pid!)}\n`);
      expect(() => Journal.open(folder)).toThrow(/^Run paper-3 is still running/);
      if (process.platform === 'linux') {
        // The same pid with another identity is a reused pid (a reboot or a container restart): taken over.
        expect(processIdentity(sleeper.pid!)).toMatch(/^boot=\S+ start=\d+$/);
        writeFileSync(join(folder, OWNER_FILE), `${sleeper.pid}\nboot=${'0'.repeat(8)} start=1\n`);
        expect(runOwner(folder)).toEqual({ pid: sleeper.pid, alive: false });
        Journal.open(folder).journal.close();
      }
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over from a dead owner (kill -9 leaves runner.pid behind)', async () => {
    const folder = runFolder();
    const pid = await deadPid();
    expect(processAlive(pid)).toBe(false);
    writeFileSync(join(folder, OWNER_FILE), `${pid}\n`);
    const { journal } = Journal.open(folder);
    expect(readFileSync(join(folder, OWNER_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
    journal.append(note(0));
    journal.close();
    expect(readJournal(folder).entries).toEqual([note(0)]);
  });
});
