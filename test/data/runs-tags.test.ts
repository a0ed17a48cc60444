import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { addTags, deleteRuns, getRun, getRuns, listRuns, parseTag, recordRun, removeTags } from '../../src/data/runs.js';
import { MIGRATIONS, SCHEMA_VERSION, withStore } from '../../src/data/store.js';
import { UserError } from '../../src/errors.js';
import { fileSha, tempDir } from '../helpers/cli.js';

const RUN = { strategy: 'sma-cross', symbols: ['A'], timeframe: '1d', from: '2020-01-01T00:00:00Z', to: '2020-12-31T00:00:00Z', params: { fast: 10 }, settings: { cash: 10000 }, dataFingerprint: 'f00d', metrics: { sharpe: 1.5 } };

/**
 * A store as rrr with schema version 4 left it: the shipped migrations 1-4 (append-only, so exactly what that
 * rrr ran), recorded in rrr_meta, holding two runs.
 */
async function version4Store(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const m of MIGRATIONS.filter((m) => m.version <= 4)) await connection.run(m.sql);
    for (const m of MIGRATIONS.filter((m) => m.version <= 4)) await connection.run('INSERT INTO rrr_meta (version, description) VALUES (?, ?)', [m.version, m.description]);
    for (const fast of [10, 20]) {
      await connection.run(
        "INSERT INTO runs (strategy, symbols, timeframe, from_time, to_time, params, settings, data_fingerprint, metrics) VALUES ('sma-cross', '[\"A\"]', '1d', 'a', 'b', ?, '{}', 'f', '{\"sharpe\":1}')",
        [JSON.stringify({ fast })],
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: Error) => e);

describe('run tags (migration 5)', () => {
  it('a version-4 store lists its runs read-only, untagged, without a byte written; the first tag migrates it', async () => {
    expect(SCHEMA_VERSION).toBe(6);
    const path = join(tempDir(), 'v4.duckdb');
    await version4Store(path);
    const before = fileSha(path);
    const runs = await withStore(path, { readOnly: true }, (store) => listRuns(store));
    expect(runs.map((r) => [r.id, r.params.fast, r.tags])).toEqual([[2, 20, []], [1, 10, []]]);
    expect(await withStore(path, { readOnly: true }, (store) => listRuns(store, { tag: 'x' }))).toEqual([]);
    expect((await withStore(path, { readOnly: true }, (store) => getRun(store, '1'))).tags).toEqual([]);
    expect(fileSha(path)).toBe(before);

    const change = await withStore(path, { create: false }, (store) => addTags(store, '1', ['baseline', 'v2', 'baseline']));
    expect(change.changed).toEqual(['baseline', 'v2']);
    expect(change.run.tags).toEqual(['baseline', 'v2']);
    const meta = await withStore(path, { readOnly: true }, (store) => store.rows('SELECT version FROM rrr_meta ORDER BY version'));
    expect(meta.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await withStore(path, { readOnly: true }, (store) => listRuns(store, { tag: 'v2' }))).map((r) => r.id)).toEqual([1]);
  });

  it('adds, removes and filters by tags; removing a tag a run lacks is refused and changes nothing', async () => {
    const path = join(tempDir(), 'tags.duckdb');
    await withStore(path, { create: true }, async (store) => {
      for (let k = 0; k < 3; k++) await recordRun(store, { ...RUN, params: { fast: k } });
      expect((await addTags(store, '1', ['keep', 'a'])).run.tags).toEqual(['a', 'keep']);
      expect((await addTags(store, '3', ['keep'])).run.tags).toEqual(['keep']);
      // Adding a tag the run has is not a second copy.
      expect((await addTags(store, '3', ['keep'])).changed).toEqual([]);
      expect((await listRuns(store, { tag: 'keep' })).map((r) => r.id)).toEqual([3, 1]);
      expect((await listRuns(store, { tag: 'keep', strategy: 'other' })).map((r) => r.id)).toEqual([]);
      const refused = await failure(removeTags(store, '1', ['a', 'nope']));
      expect(refused).toBeInstanceOf(UserError);
      expect(refused.message).toBe('Run 1 has no tag "nope": its tags are "a", "keep".');
      expect((await getRun(store, '1')).tags).toEqual(['a', 'keep']);
      expect((await removeTags(store, '1', ['a'])).run.tags).toEqual(['keep']);
      expect((await store.rows('SELECT count(*)::INT AS n FROM run_tags'))[0].n).toBe(2);
    });
  });

  it('deleting runs deletes their tags, all or nothing', async () => {
    const path = join(tempDir(), 'delete.duckdb');
    await withStore(path, { create: true }, async (store) => {
      for (let k = 0; k < 3; k++) await recordRun(store, RUN);
      await addTags(store, '2', ['x', 'y']);
      await addTags(store, '3', ['x']);
      const refused = await failure(deleteRuns(store, ['2', '9']));
      expect(refused.message).toBe(`There is no run 9 in ${path}: the newest is 3 (see "rrr runs list").`);
      expect((await listRuns(store)).map((r) => r.id)).toEqual([3, 2, 1]);
      expect((await deleteRuns(store, ['2', '2'])).map((r) => r.id)).toEqual([2]);
      expect((await listRuns(store)).map((r) => r.id)).toEqual([3, 1]);
      expect(await store.rows('SELECT run_id, tag FROM run_tags ORDER BY run_id, tag')).toEqual([{ run_id: 3n, tag: 'x' }]);
      // A new run never takes a deleted run's id, so its tags could not come back.
      expect(await recordRun(store, RUN)).toBe(4);
      expect((await getRun(store, '4')).tags).toEqual([]);
    });
  });

  it('getRuns keeps the order asked and names every unknown id', async () => {
    const path = join(tempDir(), 'get.duckdb');
    await withStore(path, { create: true }, async (store) => {
      for (let k = 0; k < 3; k++) await recordRun(store, RUN);
      expect((await getRuns(store, ['3', '1'])).map((r) => r.id)).toEqual([3, 1]);
      expect((await failure(getRuns(store, ['1', '7', '8']))).message).toBe(`There are no runs 7, 8 in ${path}: the newest is 3 (see "rrr runs list").`);
      expect((await failure(getRuns(store, ['1', 'x']))).message).toBe('Run id "x" is not valid: run ids are whole numbers (see "rrr runs list").');
    });
  });

  it('tags are words: letters, digits and . _ : / -, not a bare number', () => {
    for (const ok of ['baseline', 'v2', 'exp/2024-01', 'a.b_c:d', 'A'.repeat(64)]) expect(parseTag(ok)).toBe(ok);
    for (const bad of ['', 'has space', '-x', 'é', 'A'.repeat(65), 'a;b']) {
      expect(() => parseTag(bad)).toThrow(`Tag "${bad}" is not valid: use 1 to 64 letters, digits and . _ : / -, starting with a letter or digit.`);
    }
    expect(() => parseTag('42')).toThrow('Tag "42" is not valid: a tag cannot be a bare number, which reads as a run id; add a letter (e.g. "v42").');
  });
});
