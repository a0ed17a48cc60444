import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mulberry32 } from '../../src/stats/mulberry32.js';
import { runPaperSession, type PaperJob } from '../../src/live/session.js';
import type { JournalEntry } from '../../src/live/types.js';
import { tradingEntries } from '../helpers/kill.js';

const job = (db: string): PaperJob => ({
  strategy: 'sma-cross',
  params: { fast: '5', slow: '20' },
  files: [resolve('datasets/demo-a_1d.csv')],
  range: { from: Date.UTC(2023, 0, 1), to: Date.UTC(2023, 9, 1) },
  db,
  sim: { direction: 'both', stopLoss: { kind: 'pct', value: 0.03 }, takeProfit: { kind: 'pct', value: 0.05 }, feeRate: 0.001 },
});

function journalLines(folder: string): string[] {
  return readFileSync(join(folder, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
}

describe('a paper run resumed after a crash at any point equals an uninterrupted run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rrr-resume-'));
  const db = join(dir, '.rrr', 'rrr.duckdb');

  it('resumes from 15 cut points of the journal, mid-line cuts included, without losing or doubling anything', async () => {
    const whole = await runPaperSession({ db, job: job(db) });
    expect(whole.stoppedBy).toBe('end-of-feed');
    const full = readFileSync(join(whole.folder, 'journal.jsonl'));
    const reference = tradingEntries(journalLines(whole.folder));
    const fills = reference.filter((l) => l.includes('"kind":"fill"')).length;
    expect(fills).toBeGreaterThan(10);

    const rng = new Mulberry32(7);
    const random = () => rng.next();
    for (let k = 0; k < 15; k++) {
      // A crash leaves any prefix of the file: a cut inside a line is a torn write.
      const cut = 1 + Math.floor(random() * (full.length - 1));
      // The same run id in a store of its own: order ids carry the run id.
      const store = join(dir, `cut-${k}`, '.rrr', 'rrr.duckdb');
      const folder = join(dir, `cut-${k}`, '.rrr', 'live', whole.runId);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'journal.jsonl'), full.subarray(0, cut));
      const resumed = await runPaperSession({ db: store, resume: whole.runId });
      expect(resumed.stoppedBy).toBe('end-of-feed');
      const got = tradingEntries(journalLines(folder));
      expect(got.length, `cut at byte ${cut}`).toBe(reference.length);
      expect(got, `cut at byte ${cut}`).toEqual(reference);
      const ids = got.filter((l) => l.includes('"kind":"fill"')).map((l) => (JSON.parse(l) as Extract<JournalEntry, { kind: 'fill' }>).fill.fillId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  }, 240_000);

  it('refuses to resume a run whose journal its own replay does not reproduce', async () => {
    const whole = await runPaperSession({ db, job: job(db) });
    const lines = journalLines(whole.folder);
    const at = lines.findIndex((l) => l.includes('"kind":"fill"'));
    const fill = JSON.parse(lines[at]) as Extract<JournalEntry, { kind: 'fill' }>;
    lines[at] = JSON.stringify({ ...fill, fill: { ...fill.fill, price: fill.fill.price * 1.01 } });
    const store = join(dir, 'changed', '.rrr', 'rrr.duckdb');
    const folder = join(dir, 'changed', '.rrr', 'live', whole.runId);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'journal.jsonl'), lines.slice(0, at + 3).join('\n') + '\n');
    await expect(runPaperSession({ db: store, resume: whole.runId })).rejects.toThrow(/^Run paper-\d+ cannot be resumed: replaying its bars gives "fill .*" where its journal has "fill .*" \(entry \d+\); the strategy, its settings or the data changed since the run started\.$/);
  }, 60_000);
});
