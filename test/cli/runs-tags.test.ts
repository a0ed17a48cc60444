import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

const ids = (db: string, ...filter: string[]) => rrr(['runs', 'list', '--db', db, '--json', ...filter]).json().runs.map((r: { id: number }) => r.id);

/** The run_tags rows, read straight from the file (as another program would), not through rrr. */
async function tagRows(db: string): Promise<[number, string][]> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll('SELECT run_id, tag FROM run_tags ORDER BY run_id, tag')).getRowObjects();
    return rows.map((r) => [Number(r.run_id), String(r.tag)]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('rrr runs tag, list --tag and delete', () => {
  let db: string;
  beforeAll(() => {
    db = join(tempDir('rrr-tags-'), 'store.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
    for (const fast of ['5', '7']) {
      const r = rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--param', `fast=${fast}`, '--db', db, '--json']);
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it('tags runs and lists them by tag', () => {
    const added = rrr(['runs', 'tag', '2', 'baseline', 'v2', '--db', db]);
    expect([added.status, added.stdout]).toEqual([0, 'Run 2: added baseline v2; its tags are now baseline v2.\n']);
    const again = rrr(['runs', 'tag', '2', 'baseline', 'keep', '--db', db, '--json']);
    expect(again.json()).toEqual({ id: 2, tags: ['baseline', 'keep', 'v2'], added: ['keep'] });
    expect(rrr(['runs', 'tag', '3', 'baseline', '--db', db]).status).toBe(0);
    expect(ids(db, '--tag', 'baseline')).toEqual([3, 2]);
    expect(ids(db, '--tag', 'v2')).toEqual([2]);
    const listed = rrr(['runs', 'list', '--db', db]);
    expect(listed.stdout).toMatch(/^ 2 .* baseline keep v2$/m);
    expect(rrr(['runs', 'show', '2', '--db', db]).stdout).toMatch(/^Tags\s+baseline keep v2$/m);
  });

  it('read commands write nothing, with or without a tag filter', () => {
    const before = { sha: fileSha(db), mtime: statSync(db).mtimeMs };
    expect(rrr(['runs', 'list', '--tag', 'nothing-has-it', '--db', db]).stdout).toBe('No runs tagged "nothing-has-it" (see "rrr runs list" for all runs).\n');
    expect(rrr(['runs', 'show', '2', '--db', db, '--json']).json().tags).toEqual(['baseline', 'keep', 'v2']);
    expect({ sha: fileSha(db), mtime: statSync(db).mtimeMs }).toEqual(before);
  });

  it('refusals are one sentence and change nothing', () => {
    const before = { sha: fileSha(db), mtime: statSync(db).mtimeMs };
    for (const [args, status, message] of [
      [['2', 'nope', '--remove'], 1, 'Run 2 has no tag "nope": its tags are "baseline", "keep", "v2".'],
      [['9', 'x'], 1, `There is no run 9 in ${db}: the newest is 3 (see "rrr runs list").`],
      [['2', 'has space'], 2, 'Tag "has space" is not valid: use 1 to 64 letters, digits and . _ : / -, starting with a letter or digit.'],
      [['2'], 2, 'rrr runs tag takes a run id and at least one tag, e.g. "rrr runs tag 2 baseline".'],
    ] as const) {
      const r = rrr(['runs', 'tag', ...args, '--db', db]);
      expect([r.status, r.stderr], args.join(' ')).toEqual([status, `Error: ${message}\n`]);
    }
    expect({ sha: fileSha(db), mtime: statSync(db).mtimeMs }).toEqual(before);
  });

  it('--remove removes tags', async () => {
    const removed = rrr(['runs', 'tag', '2', 'v2', 'keep', '--remove', '--db', db]);
    expect([removed.status, removed.stdout]).toEqual([0, 'Run 2: removed v2 keep; its tags are now baseline.\n']);
    expect(await tagRows(db)).toEqual([[2, 'baseline'], [3, 'baseline']]);
  });

  it('delete needs --yes without a terminal; unknown ids delete nothing', () => {
    const before = fileSha(db);
    const unasked = rrr(['runs', 'delete', '2', '--db', db]);
    expect([unasked.status, unasked.stderr]).toEqual([2, 'Error: Refusing to delete run 2 without confirmation: pass --yes when not at a terminal.\n']);
    const unknown = rrr(['runs', 'delete', '2', '8', '9', '--yes', '--db', db]);
    expect([unknown.status, unknown.stderr]).toEqual([1, `Error: There are no runs 8, 9 in ${db}: the newest is 3 (see "rrr runs list").\n`]);
    expect(fileSha(db)).toBe(before);
  });

  it('a deleted run takes its tags with it', async () => {
    const deleted = rrr(['runs', 'delete', '2', '--yes', '--db', db, '--json']);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.json().deleted).toEqual([2]);
    expect(ids(db)).toEqual([3, 1]);
    expect(ids(db, '--tag', 'baseline')).toEqual([3]);
    expect(await tagRows(db)).toEqual([[3, 'baseline']]);
    const text = rrr(['runs', 'delete', '1', '3', '-y', '--db', db]);
    expect(text.stdout).toBe(`Deleted runs 1 (sma-cross fast=10 slow=50, DEMO-A 1d), 3 (sma-cross fast=7 slow=50, DEMO-A 1d) from ${db}.\n`);
    expect(ids(db)).toEqual([]);
    expect(await tagRows(db)).toEqual([]);
  });
});
