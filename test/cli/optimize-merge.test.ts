/**
 * rrr optimize merge and rrr studies, end to end: shards run by separate processes (--shard i/n --out) merge
 * back into exactly what one run printed; the read commands write nothing.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSha, rrr, tempDir, type CliResult } from '../helpers/cli.js';

const SEARCH = ['--strategy', 'sma-cross', '--data', resolve('datasets/demo-a_1d.csv'), '--grid', 'fast=3:15:4', '--grid', 'slow=10:40:10', '--pbo-splits', '4', '--workers', '1'];

describe('rrr optimize merge and rrr studies', () => {
  const dir = tempDir();
  const db = join(dir, 'rrr.duckdb');
  const shards = join(dir, 'shards');
  let run: CliResult;

  beforeAll(() => {
    // The store comes from RRR_DB, as on machines that each keep their own: --db is no setting of the study.
    run = rrr(['optimize', ...SEARCH, '--json'], { env: { RRR_DB: db } });
    mkdirSync(shards);
    for (let index = 1; index <= 3; index++) {
      const shard = rrr(['optimize', ...SEARCH, '--shard', `${index}/3`, '--out', join(shards, `part-${index}.parquet`)], { env: { RRR_DB: join(dir, `machine-${index}.duckdb`) } });
      expect(shard.status, shard.stderr).toBe(0);
    }
  });

  it('three shards, each run by its own process and store, merge into the ranking, winner and statistics of the one run', () => {
    expect(run.status, run.stderr).toBe(0);
    // Where the trials ran is no result: the merge of shards run elsewhere has no threads to report.
    const { study, threads, ...whole } = run.json();
    expect(study).toBe('s1');
    expect(threads.count).toBe(1);
    expect(whole.trials).toMatchObject({ total: 16, finished: 16 });
    const merged = rrr(['optimize', 'merge', shards, '--json']);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.json()).toEqual(whole);
  });

  it('refuses a missing shard in one sentence; rrr studies show reports the study as the run did and writes nothing', () => {
    const sha = fileSha(db);
    const missing = rrr(['optimize', 'merge', join(shards, 'part-1.parquet'), join(shards, 'part-3.parquet')]);
    expect({ status: missing.status, stdout: missing.stdout, stderr: missing.stderr }).toEqual({ status: 1, stdout: '', stderr: 'Error: Shard 2/3 of 3 is missing: give all 3 shards of the study.\n' });

    // Merge reads no store: a --db is refused, not ignored.
    const withDb = rrr(['optimize', 'merge', shards, '--db', db]);
    expect({ status: withDb.status, stderr: withDb.stderr }).toEqual({ status: 2, stderr: 'Error: --db does not apply to rrr optimize merge, which reads only the shard files and no store: remove --db.\n' });

    const shown = rrr(['studies', 'show', 's1', '--db', db, '--json']);
    expect(shown.status, shown.stderr).toBe(0);
    const { threads: _threads, ...summary } = run.json();
    expect(shown.json()).toMatchObject({ id: 's1', state: 'complete', active: false, trialCount: 16, summary });
    expect(fileSha(db)).toBe(sha);
  });
});
