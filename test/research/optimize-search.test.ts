import { describe, expect, it } from 'vitest';
import { readCsvBars } from '../helpers/shared.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { resolveStrategy } from '../../src/strategies/registry.js';
import { InThreadEvaluator } from '../../src/research/sweep/index.js';
import type { BarRange, Evaluator, SweepSpec, TrialInput, TrialOutput } from '../../src/research/sweep/types.js';
import { runSearch } from '../../src/research/optimize/search-loop.js';
import { parseConstraint } from '../../src/research/optimize/objective.js';
import type { FinishedTrial, SearchSettings } from '../../src/research/optimize/types.js';
import { spaceFromSchema, strategyCheck, type Dimension } from '../../src/research/search/index.js';

const bars = readCsvBars('datasets/demo-a_1d.csv');
const strategy = await resolveStrategy('sma-cross');
const PPY = 365;
const spec: SweepSpec = { strategy: 'sma-cross', sim: { feeRate: 0.001 }, periodsPerYear: PPY, pboSplits: 0 };
const range: BarRange = { from: 0, to: bars.length };
const grid = (name: string, low: number, high: number, step: number): Dimension => ({ kind: 'int', name, low, high, step });
const space = spaceFromSchema(strategy.params, { fast: grid('fast', 5, 30, 5), slow: grid('slow', 20, 80, 20) });

function settings(overrides: Partial<SearchSettings> = {}): SearchSettings {
  return { space, method: 'grid', direction: 'maximize', objective: 'sharpe', constraints: [], validate: strategyCheck(strategy), ...overrides };
}

async function evaluator(): Promise<InThreadEvaluator> {
  const e = new InThreadEvaluator();
  await e.load([bars]);
  return e;
}

/** Wraps an evaluator to count the trials it was asked to run. */
function counting(inner: Evaluator): Evaluator & { ran: number[] } {
  const ran: number[] = [];
  return {
    ran,
    concurrency: inner.concurrency,
    load: (b) => inner.load(b),
    run: async (s, r, trials) => {
      ran.push(...trials.map((t) => t.number));
      return inner.run(s, r, trials);
    },
    close: () => inner.close(),
  };
}

/** The reference: a plain backtest of every (fast, slow) pair the strategy accepts. */
function bruteForce() {
  const out: { fast: number; slow: number; sharpe: number; maxDrawdownPct: number; tradeCount: number }[] = [];
  for (let fast = 5; fast <= 30; fast += 5) {
    for (let slow = 20; slow <= 80; slow += 20) {
      if (fast >= slow) continue;
      const m = runBacktest(bars, { strategy, params: { fast, slow }, sim: spec.sim, periodsPerYear: PPY }).metrics;
      out.push({ fast, slow, sharpe: m.sharpe as number, maxDrawdownPct: m.maxDrawdownPct as number, tradeCount: m.tradeCount as number });
    }
  }
  return out;
}

describe('runSearch', () => {
  const reference = bruteForce();

  it('finds the grid winner an independent brute force finds, and records every point', async () => {
    const result = await runSearch(await evaluator(), spec, range, settings({ batchSize: 3 }));
    const best = reference.reduce((a, b) => (b.sharpe > a.sharpe ? b : a));
    expect(result.best?.params).toEqual({ fast: best.fast, slow: best.slow });
    expect(result.best?.value).toBe(best.sharpe);
    expect(result.interrupted).toBe(false);
    // 6 x 4 points, numbered in grid order; fast >= slow pruned by the strategy's check without running.
    expect(result.trials.map((t) => t.number)).toEqual([...Array(24).keys()]);
    const pruned = result.trials.filter((t) => t.state === 'pruned');
    expect(pruned.map((t) => t.params)).toEqual([{ fast: 20, slow: 20 }, { fast: 25, slow: 20 }, { fast: 30, slow: 20 }]);
    expect(pruned.every((t) => t.reason === 'fast must be below slow' && t.moments === undefined)).toBe(true);
    for (const t of result.trials.filter((x) => x.state === 'complete')) {
      expect(t.value).toBe(reference.find((r) => r.fast === t.params.fast && r.slow === t.params.slow)!.sharpe);
    }
  });

  it('minimizes when told to', async () => {
    const result = await runSearch(await evaluator(), { ...spec, metrics: ['maxDrawdownPct'] }, range, settings({ direction: 'minimize', objective: 'maxDrawdownPct' }));
    const best = reference.reduce((a, b) => (b.maxDrawdownPct < a.maxDrawdownPct ? b : a));
    expect(result.best?.params).toEqual({ fast: best.fast, slow: best.slow });
    expect(result.best?.value).toBe(best.maxDrawdownPct);
  });

  it('prunes trials that fail a constraint, with the reason, and never picks one', async () => {
    const counts = reference.map((r) => r.tradeCount).sort((a, b) => a - b);
    const bar = counts[Math.floor(counts.length / 2)];
    const result = await runSearch(await evaluator(), spec, range, settings({ constraints: [parseConstraint(`tradeCount>=${bar}`)] }));
    const ran = result.trials.filter((t) => t.moments !== undefined);
    expect(ran).toHaveLength(reference.length);
    for (const t of ran) {
      const trades = reference.find((r) => r.fast === t.params.fast && r.slow === t.params.slow)!.tradeCount;
      expect(t.state).toBe(trades >= bar ? 'complete' : 'pruned');
      if (trades < bar) expect(t.reason).toBe(`constraint tradeCount>=${bar} failed (tradeCount is ${trades}).`);
    }
    const eligible = reference.filter((r) => r.tradeCount >= bar);
    const best = eligible.reduce((a, b) => (b.sharpe > a.sharpe ? b : a));
    expect(result.best?.params).toEqual({ fast: best.fast, slow: best.slow });
  });

  it('fails a trial without an objective and one whose strategy threw, keeping the sentence', async () => {
    const fake: Evaluator = {
      concurrency: 1,
      load: async () => {},
      close: async () => {},
      run: async (_s, _r, trials: readonly TrialInput[]): Promise<TrialOutput[]> =>
        trials.map((t) => (t.number === 0 ? { number: 0, metrics: { sharpe: null } } : t.number === 1 ? { number: 1, metrics: {}, error: 'The strategy threw: boom.' } : { number: t.number, metrics: { sharpe: t.number } })),
    };
    const values: Dimension = { kind: 'values', name: 'fast', values: [2, 3, 4] };
    const result = await runSearch(fake, spec, range, { space: { dimensions: [values] }, method: 'grid', direction: 'maximize', objective: 'sharpe', constraints: [] });
    expect(result.trials.map((t) => t.state)).toEqual(['failed', 'failed', 'complete']);
    expect(result.trials[0].reason).toMatch(/^sharpe is undefined/);
    expect(result.trials[1].reason).toBe('The strategy threw: boom.');
    expect(result.best?.number).toBe(2);
  });

  it.each(['random', 'tpe'] as const)('%s search gives the same study for the same seed, and another for another seed', async (method) => {
    const wide = spaceFromSchema(strategy.params, { fast: grid('fast', 2, 60, 1), slow: grid('slow', 10, 200, 1) });
    const run = async (seed: number) => (await runSearch(await evaluator(), spec, range, settings({ space: wide, method, seed, trials: 14, batchSize: 4 }))).trials;
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    const key = (ts: FinishedTrial[]) => ts.map((t) => [t.number, t.params, t.state, t.value]);
    expect(key(a)).toEqual(key(b));
    expect(key(a)).not.toEqual(key(c));
    expect(a.filter((t) => t.state !== 'pruned' || t.moments !== undefined)).toHaveLength(14);
  });

  it.each(['grid', 'random', 'tpe'] as const)('%s: a study stopped and resumed equals the uninterrupted one, and runs no trial twice', async (method) => {
    const wide = method === 'grid' ? space : spaceFromSchema(strategy.params, { fast: grid('fast', 2, 60, 1), slow: grid('slow', 10, 200, 1) });
    const base = settings({ space: wide, method, seed: 3, ...(method === 'grid' ? {} : { trials: 16 }), batchSize: 3 });
    const whole = await runSearch(await evaluator(), spec, range, base);

    const controller = new AbortController();
    let batches = 0;
    const first = await runSearch(await evaluator(), spec, range, base, {
      signal: controller.signal,
      onTrials: () => {
        if (++batches === 2) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.trials.length).toBeLessThan(whole.trials.length);

    const resumedEvaluator = counting(await evaluator());
    const emitted: FinishedTrial[] = [];
    const second = await runSearch(resumedEvaluator, spec, range, base, { done: first.trials, onTrials: (ts) => emitted.push(...ts) });
    const key = (ts: readonly FinishedTrial[]) => ts.map((t) => [t.number, t.params, t.state, t.value, t.reason]);
    expect(key(second.trials)).toEqual(key(whole.trials));
    expect(second.best?.number).toBe(whole.best?.number);
    const before = new Set(first.trials.map((t) => t.number));
    expect(resumedEvaluator.ran.some((n) => before.has(n))).toBe(false);
    expect(emitted.every((t) => !before.has(t.number))).toBe(true);
    expect([...first.trials, ...emitted].map((t) => t.number).sort((a, b) => a - b)).toEqual(whole.trials.map((t) => t.number));
  });

  it('refuses to resume trials the search would not propose (another seed)', async () => {
    const wide = spaceFromSchema(strategy.params, { fast: grid('fast', 2, 60, 1), slow: grid('slow', 10, 200, 1) });
    const first = await runSearch(await evaluator(), spec, range, settings({ space: wide, method: 'random', seed: 1, trials: 3 }));
    await expect(runSearch(await evaluator(), spec, range, settings({ space: wide, method: 'random', seed: 2, trials: 5 }), { done: first.trials })).rejects.toThrow(/resume with the same strategy, ranges, method and seed/);
  });

  it.each(['grid', 'random'] as const)('%s: shards i/n run disjoint trials that together are the whole study', async (method) => {
    const wide = method === 'grid' ? space : spaceFromSchema(strategy.params, { fast: grid('fast', 2, 60, 1), slow: grid('slow', 10, 200, 1) });
    const base = settings({ space: wide, method, seed: 9, ...(method === 'grid' ? {} : { trials: 20 }), batchSize: 4 });
    const whole = await runSearch(await evaluator(), spec, range, base);
    const parts: FinishedTrial[] = [];
    for (let index = 1; index <= 3; index++) {
      const part = await runSearch(await evaluator(), spec, range, { ...base, shard: { index, count: 3 } });
      expect(part.trials.every((t) => t.number % 3 === index - 1)).toBe(true);
      parts.push(...part.trials);
    }
    const key = (ts: readonly FinishedTrial[]) => ts.map((t) => [t.number, t.params, t.state, t.value]);
    expect(key(parts.sort((a, b) => a.number - b.number))).toEqual(key(whole.trials));
  });

  it('refuses to shard a TPE search', async () => {
    await expect(runSearch(await evaluator(), spec, range, settings({ method: 'tpe', trials: 5, shard: { index: 1, count: 2 } }))).rejects.toThrow(/--shard splits grid and random searches only/);
  });

  it('reports progress after every batch', async () => {
    const seen: number[] = [];
    await runSearch(await evaluator(), spec, range, settings({ batchSize: 5 }), { onProgress: (p) => seen.push(p.done) });
    expect(seen[seen.length - 1]).toBe(24);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
