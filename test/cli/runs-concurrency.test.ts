import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addTags, listRuns, recordRun } from '../../src/data/runs.js';
import { withStore } from '../../src/data/store.js';
import { tempDir } from '../helpers/cli.js';

const BIN = resolve(process.cwd(), 'bin/run.js');

/** Starts the built CLI without waiting for it, so several run at once. */
function start(args: string[]): Promise<{ args: string[]; status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, RRR_DB: undefined }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (status) => done({ args, status, stderr })));
}

describe('tag and delete from several rrr processes at once', () => {
  let db: string;
  beforeAll(async () => {
    db = join(tempDir('rrr-runs-concurrent-'), 'store.duckdb');
    await withStore(db, { create: true }, async (store) => {
      for (let k = 0; k < 4; k++) await recordRun(store, { strategy: 's', symbols: ['A'], timeframe: '1d', from: 'a', to: 'b', params: { k }, settings: {}, dataFingerprint: 'f', metrics: {} });
      await addTags(store, '4', ['doomed']);
    });
  });

  it('every write lands once, readers never fail', async () => {
    const writes = [['runs', 'tag', '1', 't1'], ['runs', 'tag', '1', 't2', 't1'], ['runs', 'tag', '3', 'x', 'y'], ['runs', 'delete', '4', '--yes']];
    const reads = [['runs', 'compare', '1', '2']];
    const outcomes = await Promise.all([...writes, ...reads].map((a) => start([...a, '--db', db])));
    expect(outcomes.filter((o) => o.status !== 0).map((o) => `${o.args.join(' ')} -> ${o.status}: ${o.stderr}`)).toEqual([]);
    const runs = await withStore(db, { readOnly: true }, (store) => listRuns(store));
    expect(runs.map((r) => [r.id, r.tags])).toEqual([[3, ['x', 'y']], [2, []], [1, ['t1', 't2']]]);
    expect(await withStore(db, { readOnly: true }, (store) => store.rows('SELECT count(*)::INT AS n FROM run_tags'))).toEqual([{ n: 4 }]);
  });
});
