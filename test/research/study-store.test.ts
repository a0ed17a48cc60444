import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, withStore } from '../../src/data/store.js';
import { getStudy, listStudies, StudyRecorder, type StudyHeader } from '../../src/research/optimize/study-store.js';
import { decodeTrial, encodeTrial, journalPath } from '../../src/research/optimize/journal.js';
import type { FinishedTrial } from '../../src/research/optimize/types.js';
import { fileSha, tempDir } from '../helpers/cli.js';

const HEADER: Omit<StudyHeader, 'id' | 'createdAt'> = {
  strategy: 'sma-cross',
  source: 'store',
  symbols: ['A'],
  timeframe: '1d',
  from: '2020-01-01',
  to: '2021-01-01',
  dataFingerprint: 'f00dfeedf00dfeed',
  method: 'grid',
  seed: 42,
  direction: 'maximize',
  objective: 'sharpe',
  constraints: ['tradeCount>=3'],
  space: { dimensions: [{ kind: 'int', name: 'fast', low: 2, high: 9, step: 1 }, { kind: 'values', name: 'mode', values: ['a', 'b'] }] },
  fixedParams: { slow: 30 },
  settings: { flags: [['fee', '0.001']] },
  pboSplits: 4,
  command: ['optimize', '--strategy', 'sma-cross'],
};

/** Trial n, with every kind of value a trial carries: NaN, infinities and -0 included. */
function trial(n: number): FinishedTrial {
  const kind = n % 4;
  if (kind === 3) return { number: n, params: { fast: 2 + (n % 8), mode: 'b' }, state: 'pruned', metrics: {}, reason: `fast ${n} must be below slow` };
  const t: FinishedTrial = {
    number: n,
    params: { fast: 2 + (n % 8), mode: n % 2 ? 'a' : 'b' },
    state: kind === 2 ? 'failed' : 'complete',
    metrics: { sharpe: kind === 2 ? null : n / 7, tradeCount: n, profitFactor: n === 0 ? Infinity : 1.5, totalReturnPct: kind === 1 ? -0 : NaN },
    moments: { count: 100 + n, mean: n * 1e-4, std: 0.01, sharpe: n === 0 ? -Infinity : n * 1e-2, skewness: -0.3, kurtosis: 3.7 },
    blocks: new Float64Array([n, NaN, -0, Infinity, 1 / 3, 1e-300, -n, 2.5]),
  };
  if (kind === 2) t.reason = 'the objective sharpe is undefined (no variance)';
  else t.value = n / 7;
  return t;
}

const trials = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => trial(from + k));

describe('studies in the store', () => {
  it('a journal line reads back bit for bit (NaN, infinities, -0, block bytes)', () => {
    for (let n = 0; n < 8; n++) expect(decodeTrial(encodeTrial(trial(n)))).toEqual(trial(n));
    // -0 survives (toEqual would let +0 pass for -0 only if the encoding lost it: checked explicitly).
    expect(Object.is(decodeTrial(encodeTrial(trial(1))).metrics.totalReturnPct, -0)).toBe(true);
  });

  it('a study is recorded, its trials journaled beside the store, and read back exactly after finish', async () => {
    const db = join(tempDir(), 'rrr.duckdb');
    const recorder = await StudyRecorder.create(db, HEADER);
    expect(recorder.id).toBe('s1');
    recorder.append(trials(0, 5));
    recorder.append(trials(5, 12));
    // Before finish the trials are in the journal, not the store; a read sees both.
    expect(existsSync(journalPath(db, 's1'))).toBe(true);
    const during = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(during.trials).toEqual(trials(0, 12));
    expect(during.active).toBe(true);
    expect(await withStore(db, { readOnly: true }, (store) => store.rows('SELECT count(*)::INT AS n FROM study_trials'))).toEqual([{ n: 0 }]);

    await recorder.finish('complete');
    expect(existsSync(journalPath(db, 's1'))).toBe(false);
    expect(readdirSync(`${db}.studies`)).toEqual([]);
    const study = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(study.trials).toEqual(trials(0, 12));
    expect(study.header).toEqual({ id: 's1', createdAt: study.createdAt, ...HEADER });
    // Hand count over trial(): n % 4 == 0 or 1 complete (0,1,4,5,8,9), value n/7: best 9/7; of 0..5, 0,1,4,5.
    expect({ state: study.state, active: study.active, trialCount: study.trialCount, completeCount: study.completeCount, bestValue: study.bestValue }).toEqual({
      state: 'complete',
      active: false,
      trialCount: 12,
      completeCount: 6,
      bestValue: 9 / 7,
    });

    const second = await StudyRecorder.create(db, { ...HEADER, direction: 'minimize' });
    expect(second.id).toBe('s2');
    second.append(trials(0, 6));
    await second.finish('interrupted');
    const list = await withStore(db, { readOnly: true }, (store) => listStudies(store));
    expect(list.map((s) => [s.id, s.state, s.trialCount, s.completeCount, s.bestValue])).toEqual([
      ['s2', 'interrupted', 6, 4, 0],
      ['s1', 'complete', 12, 6, 9 / 7],
    ]);
  });

  it('resume continues an interrupted study without repeating a trial, and refuses what cannot be resumed', async () => {
    const db = join(tempDir(), 'rrr.duckdb');
    const first = await StudyRecorder.create(db, HEADER);
    first.append(trials(0, 4));
    await first.finish('interrupted');

    const resumed = await StudyRecorder.resume(db, 's1', HEADER.dataFingerprint);
    expect(resumed.trials).toEqual(trials(0, 4));
    expect(resumed.header.id).toBe('s1');
    expect(resumed.header.space).toEqual(HEADER.space);
    // A trial told twice (a batch re-sent after a crash) is stored once.
    resumed.recorder.append([trial(3), ...trials(4, 9)]);
    await resumed.recorder.finish('complete');
    const study = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'));
    expect(study.trials).toEqual(trials(0, 9));
    expect(await withStore(db, { readOnly: true }, (store) => store.rows("SELECT count(*)::INT AS n FROM study_trials WHERE study_id = 's1'"))).toEqual([{ n: 9 }]);

    const sha = fileSha(db);
    const refusal = (id: string, fingerprint = HEADER.dataFingerprint) => StudyRecorder.resume(db, id, fingerprint).then(() => undefined, (e: Error & { exitCode?: number }) => [e.message, e.exitCode]);
    expect(await refusal('s1')).toEqual([expect.stringMatching(/^Study s1 is complete \(9 trials, finished .*\): there is nothing to resume; see "rrr studies show s1"\.$/), 2]);
    expect(await refusal('s7')).toEqual([`There is no study s7 in ${db}: the newest is s1 (see "rrr studies list").`, 1]);
    expect(await refusal('12')).toEqual(['Study id "12" is not valid: study ids look like s12 (see "rrr studies list").', 2]);
    const other = await StudyRecorder.create(db, HEADER);
    await other.finish('interrupted');
    const sha2 = fileSha(db);
    expect(await refusal('s2', '0123456789abcdef')).toEqual([
      'The data of study s2 changed since it ran (fingerprint f00dfeedf00dfeed then, 0123456789abcdef now): its trials would not compare with new ones, so start a new study instead of resuming it.',
      1,
    ]);
    expect(sha).not.toBe(sha2);
    // Refusals write nothing: not the store, not a lock or journal beside it.
    expect(fileSha(db)).toBe(sha2);
    expect(readdirSync(`${db}.studies`)).toEqual([]);
  });

  it('a journal left by a killed run is folded in; its torn last line is dropped and the rest appended after it', async () => {
    const db = join(tempDir(), 'rrr.duckdb');
    const run = await StudyRecorder.create(db, HEADER);
    run.append(trials(0, 3));
    run.append(trials(3, 5));
    // The run dies without finish(), in the middle of writing trial 5's line.
    appendFileSync(journalPath(db, 's1'), encodeTrial(trial(5)).slice(0, 40));

    const resumed = await StudyRecorder.resume(db, 's1', HEADER.dataFingerprint);
    expect(resumed.trials).toEqual(trials(0, 5));
    resumed.recorder.append(trials(5, 8));
    expect(readFileSync(journalPath(db, 's1'), 'utf8').split('\n').filter(Boolean).map((line, i) => (i === 0 ? JSON.parse(line).study : decodeTrial(line).number))).toEqual(['s1', 0, 1, 2, 3, 4, 5, 6, 7]);
    await resumed.recorder.finish('complete');
    expect((await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'))).trials).toEqual(trials(0, 8));
  });

  it('a journal of the same id from a deleted store is not taken for a new study', async () => {
    const dir = tempDir();
    const db = join(dir, 'rrr.duckdb');
    const old = await StudyRecorder.create(db, HEADER);
    old.append(trials(0, 3));
    // The store is deleted and made anew; the journal directory beside it stays.
    const { rmSync } = await import('node:fs');
    rmSync(db);
    const fresh = await StudyRecorder.create(db, HEADER);
    expect(fresh.id).toBe('s1');
    fresh.append(trials(10, 12));
    await fresh.finish('complete');
    expect((await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'))).trials).toEqual(trials(10, 12));
    expect(readdirSync(`${db}.studies`).filter((f) => f.includes('orphaned'))).toHaveLength(1);
  });

  it('a store written before studies existed is read without change and upgraded by the first study', async () => {
    const db = join(tempDir(), 'old.duckdb');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(db);
    const connection = await instance.connect();
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
      await connection.run(m.sql);
    }
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) await connection.run('INSERT INTO rrr_meta (version, description) VALUES (?, ?)', [m.version, m.description]);
    connection.closeSync();
    instance.closeSync();

    const sha = fileSha(db);
    expect(await withStore(db, { readOnly: true }, (store) => listStudies(store))).toEqual([]);
    const missing = await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1')).catch((e: Error) => e.message);
    expect(missing).toBe(`There is no study s1 in ${db}: no study is recorded yet (see "rrr studies list").`);
    expect(fileSha(db)).toBe(sha);

    const recorder = await StudyRecorder.create(db, HEADER);
    recorder.append(trials(0, 2));
    await recorder.finish('complete');
    const versions = await withStore(db, { readOnly: true }, (store) => store.rows('SELECT version FROM rrr_meta ORDER BY version'));
    expect(versions.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await withStore(db, { readOnly: true }, (store) => getStudy(store, 's1'))).trials).toEqual(trials(0, 2));
  });
});
