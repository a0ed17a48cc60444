import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBacktest, type PreparedBacktest } from '../../src/research/backtest-job.js';
import { finishTrial, runSearch } from '../../src/research/optimize/search-loop.js';
import { parseShard, readShards, shardOf, writeTrialsParquet } from '../../src/research/optimize/shards.js';
import { studySummaryContext, type StudyHeader } from '../../src/research/optimize/study-store.js';
import { summarizeSearch } from '../../src/research/optimize/summary.js';
import type { FinishedTrial, SearchSettings } from '../../src/research/optimize/types.js';
import { GridProposer } from '../../src/research/search/grid.js';
import { InThreadEvaluator } from '../../src/research/sweep/in-thread.js';
import type { SweepSpec } from '../../src/research/sweep/types.js';
import { Store } from '../../src/data/store.js';
import { tempDir } from '../helpers/cli.js';

const failure = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return [(error as Error).message, (error as { exitCode?: number }).exitCode];
  }
  return undefined;
};
const rejection = (work: Promise<unknown>) => work.then(() => undefined, (e: Error & { exitCode?: number }) => [e.message, e.exitCode]);

describe('shard specs', () => {
  it('parses i/n and refuses anything else with one sentence', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['3/2', '0/2', '1/0', '2', '1/2/3', 'a/b', '-1/2', '1.5/3', '']) {
      expect(failure(() => parseShard(bad))).toEqual([`--shard "${bad}" is not valid: give i/n with whole numbers 1 <= i <= n, e.g. --shard 2/4 for the second of four shards.`, 2]);
    }
  });

  it('the n shards split the trial numbers: each in exactly one, trial k in shard k % n + 1', () => {
    for (const count of [1, 2, 3, 7]) {
      for (let number = 0; number < 50; number++) {
        const owners = Array.from({ length: count }, (_, k) => k + 1).filter((index) => shardOf(number, { index, count }));
        expect(owners).toEqual([(number % count) + 1]);
      }
    }
  });
});

describe('shards written as Parquet and merged through DuckDB', () => {
  const dir = tempDir();
  let prepared: PreparedBacktest;
  let spec: SweepSpec;
  let search: SearchSettings;
  let header: Omit<StudyHeader, 'shard'>;
  let whole: FinishedTrial[];
  const evaluator = new InThreadEvaluator();

  beforeAll(async () => {
    prepared = await prepareBacktest({ strategy: 'sma-cross', files: [resolve('datasets/demo-a_1d.csv')], db: ':memory:' });
    await evaluator.load(prepared.series);
    spec = { strategy: 'sma-cross', sim: prepared.sim, periodsPerYear: prepared.periodsPerYear, pboSplits: 4 };
    search = {
      space: { dimensions: [{ kind: 'int', name: 'fast', low: 3, high: 15, step: 4 }, { kind: 'int', name: 'slow', low: 10, high: 40, step: 10 }] },
      method: 'grid',
      direction: 'maximize',
      objective: 'sharpe',
      constraints: [],
    };
    header = {
      id: 's1', createdAt: '2026-01-01T00:00:00.000Z', strategy: 'sma-cross', source: 'datasets/demo-a_1d.csv', symbols: prepared.symbols, timeframe: prepared.timeframe,
      from: 'first', to: 'last', dataFingerprint: prepared.dataFingerprint, method: 'grid', seed: 42, direction: 'maximize', objective: 'sharpe',
      constraints: [], space: search.space, fixedParams: {}, settings: { flags: [['data', 'datasets/demo-a_1d.csv']] }, pboSplits: 4, command: ['optimize'],
    };
    whole = (await runSearch(evaluator, spec, { from: 0, to: prepared.series[0].length }, search)).trials;
  });
  afterAll(() => evaluator.close());

  /** Shard i/n run on its own: the grid points whose number is in the shard, evaluated apart from the rest. */
  async function runShard(index: number, count: number): Promise<FinishedTrial[]> {
    const grid = new GridProposer(search.space);
    const inputs = Array.from({ length: grid.size }, (_, k) => ({ number: k, params: grid.point(k) })).filter((t) => shardOf(t.number, { index, count }));
    const outputs = await evaluator.run(spec, { from: 0, to: prepared.series[0].length }, inputs);
    return outputs.map((output, k) => finishTrial(inputs[k], output, search));
  }

  it('n shards, each run apart, merge into the one run trial for trial, with the same ranking and statistics', async () => {
    expect(whole.length).toBe(16);
    expect(whole.filter((t) => t.state === 'complete').length).toBeGreaterThan(8);
    for (const count of [1, 3, 4]) {
      const out = join(dir, `n${count}`);
      mkdirSync(out);
      for (let index = 1; index <= count; index++) {
        await writeTrialsParquet(join(out, `shard-${index}.parquet`), { ...header, id: `s${index}`, shard: { index, count }, command: ['optimize', '--shard', `${index}/${count}`] }, await runShard(index, count));
      }
      const merged = await readShards([out]);
      expect(merged.trials).toEqual(whole);
      expect(merged.header).toEqual({ ...header, command: ['optimize', '--shard', `1/${count}`] });
      const context = studySummaryContext(merged.header as StudyHeader, 5);
      expect(context.total).toBe(16);
      // A shard's own report counts its slice: of 0..15, numbers k % n == i - 1.
      for (let index = 1; index <= count; index++) {
        const slice = Array.from({ length: 16 }, (_, k) => k).filter((k) => k % count === index - 1).length;
        expect(studySummaryContext({ ...header, shard: { index, count } }, 5).total).toBe(slice);
      }
      expect(summarizeSearch(merged.trials, false, context)).toEqual(summarizeSearch(whole, false, context));
    }
    // Independently of the merge: the rows DuckDB reads from the files are the trials' own values.
    const store = await Store.open(':memory:');
    try {
      const rows = await store.rows(`SELECT number, value FROM read_parquet('${join(dir, 'n3')}/*.parquet') WHERE state = 'complete' ORDER BY value DESC LIMIT 1`);
      const best = whole.filter((t) => t.state === 'complete').sort((a, b) => b.value! - a.value!)[0];
      expect(rows).toEqual([{ number: BigInt(best.number), value: best.value }]);
      // Flat columns for other tools: each parameter typed, each metric a DOUBLE (null where undefined).
      const flat = await store.rows(`SELECT number, param_fast, param_slow, sharpe, "tradeCount" FROM read_parquet('${join(dir, 'n1', 'shard-1.parquet')}') ORDER BY number`);
      expect(flat).toEqual(whole.map((t) => ({ number: BigInt(t.number), param_fast: BigInt(t.params.fast as number), param_slow: BigInt(t.params.slow as number), sharpe: t.metrics.sharpe ?? null, tradeCount: t.metrics.tradeCount ?? null })));
    } finally {
      store.close();
    }
  });

  it('a random search with pruned proposals, run as n shards by the search loop, merges into the one run', async () => {
    const random: SearchSettings = {
      ...search,
      method: 'random',
      seed: 7,
      trials: 12,
      space: { dimensions: [{ kind: 'int', name: 'fast', low: 2, high: 30, step: 1 }, { kind: 'int', name: 'slow', low: 5, high: 40, step: 1 }] },
      validate: (p) => (p.fast as number) < (p.slow as number) || 'fast must be below slow',
    };
    const range = { from: 0, to: prepared.series[0].length };
    const one = (await runSearch(evaluator, spec, range, random)).trials;
    expect(one.some((t) => t.state === 'pruned')).toBe(true);
    const out = join(dir, 'random');
    mkdirSync(out);
    for (let index = 1; index <= 3; index++) {
      const part = await runSearch(evaluator, spec, range, { ...random, shard: { index, count: 3 } });
      await writeTrialsParquet(join(out, `${index}.parquet`), { ...header, method: 'random', seed: 7, trials: 12, shard: { index, count: 3 } }, part.trials);
    }
    expect((await readShards([out])).trials).toEqual(one);
  });

  it('refuses a missing or repeated shard, shards of different studies, an interrupted shard and files that are not shards', async () => {
    const out = join(dir, 'bad');
    mkdirSync(out);
    const shard = (index: number, count: number, change: Partial<StudyHeader> = {}) => ({ ...header, shard: { index, count }, ...change });
    const file = (name: string) => join(out, name);
    await writeTrialsParquet(file('1.parquet'), shard(1, 3), await runShard(1, 3));
    await writeTrialsParquet(file('2.parquet'), shard(2, 3), await runShard(2, 3));
    await writeTrialsParquet(file('3.parquet'), shard(3, 3), await runShard(3, 3));
    await writeTrialsParquet(file('3-other-data.parquet'), shard(3, 3, { dataFingerprint: 'feedfeedfeedfeed' }), await runShard(3, 3));
    await writeTrialsParquet(file('3-other-seed.parquet'), shard(3, 3, { settings: { flags: [['fees', '0.01']] } }), await runShard(3, 3));
    await writeTrialsParquet(file('3-of-4.parquet'), shard(3, 4), await runShard(3, 4));
    await writeTrialsParquet(file('2-interrupted.parquet'), shard(2, 3), (await runShard(2, 3)).slice(0, 2), { interrupted: true });
    await writeTrialsParquet(file('2-wrong-trials.parquet'), shard(2, 3), await runShard(1, 3));
    copyFileSync(file('2.parquet'), file('2-copy.parquet'));
    writeFileSync(file('text.parquet'), 'number,value\n1,2\n');
    const store = await Store.open(':memory:');
    await store.run(`COPY (SELECT 1 AS number) TO '${file('plain.parquet')}' (FORMAT parquet)`);
    store.close();

    expect(await rejection(readShards([file('1.parquet'), file('3.parquet')]))).toEqual([`Shard 2/3 of 3 is missing: give all 3 shards of the study.`, 1]);
    expect(await rejection(readShards([file('1.parquet')]))).toEqual([`Shards 2/3, 3/3 of 3 are missing: give all 3 shards of the study.`, 1]);
    expect(await rejection(readShards([file('1.parquet'), file('2.parquet'), file('2-copy.parquet'), file('3.parquet')]))).toEqual([`${file('2-copy.parquet')} and ${file('2.parquet')} are both shard 2/3: give each shard once.`, 1]);
    expect(await rejection(readShards([file('1.parquet'), file('1.parquet')]))).toEqual([`${file('1.parquet')} is given twice: name each shard once.`, 2]);
    expect(await rejection(readShards([file('1.parquet'), file('2.parquet'), file('3-other-data.parquet')]))).toEqual([`${file('3-other-data.parquet')} and ${file('1.parquet')} are shards of different studies (they differ in their data): merge only the shards of one study.`, 1]);
    expect(await rejection(readShards([file('1.parquet'), file('2.parquet'), file('3-other-seed.parquet')]))).toEqual([`${file('3-other-seed.parquet')} and ${file('1.parquet')} are shards of different studies (they differ in their settings): merge only the shards of one study.`, 1]);
    expect(await rejection(readShards([file('1.parquet'), file('2.parquet'), file('3-of-4.parquet')]))).toEqual([`${file('3-of-4.parquet')} and ${file('1.parquet')} are shards of different studies (they differ in their shard count): merge only the shards of one study.`, 1]);
    expect(await rejection(readShards([file('1.parquet'), file('2-interrupted.parquet'), file('3.parquet')]))).toEqual([`${file('2-interrupted.parquet')} holds an interrupted run of shard 2/3, so some of its trials are missing: run it again with "rrr optimize --resume s1" (where it ran) and write it anew.`, 1]);
    expect(await rejection(readShards([file('1.parquet'), file('2-wrong-trials.parquet'), file('3.parquet')]))).toEqual([`${file('2-wrong-trials.parquet')} holds trial 0, which is not in its shard 2/3: the file was not written by "rrr optimize --shard".`, 1]);
    expect(await rejection(readShards([file('text.parquet')]))).toEqual([`${file('text.parquet')} is not a Parquet file: give the files written by "rrr optimize --shard i/n --out FILE".`, 1]);
    expect(await rejection(readShards([file('plain.parquet')]))).toEqual([`${file('plain.parquet')} is a Parquet file without an rrr study header: give the files written by "rrr optimize --shard i/n --out FILE".`, 1]);
    expect(await rejection(readShards([join(dir, 'nothing-here')]))).toEqual([`${join(dir, 'nothing-here')} does not exist: give the Parquet files written by "rrr optimize --shard i/n --out FILE", or their directory.`, 1]);
    expect(await rejection(readShards([]))).toEqual(['Give the shard files to merge, or the directories holding them (rrr optimize merge DIR|FILE...).', 2]);
    mkdirSync(join(dir, 'empty'));
    expect(await rejection(readShards([join(dir, 'empty')]))).toEqual([`The directory ${join(dir, 'empty')} holds no .parquet file: give the directory the shards were written to.`, 1]);
  });
});
