/**
 * The worker pool against the in-thread evaluator (the reference): real worker threads, bars in shared memory,
 * results equal bit for bit, errors confined to their trial, a crash and close() reported in one sentence.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../src/data/bars.js';
import { UserError } from '../../src/errors.js';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { InThreadEvaluator, PoolEvaluator, createEvaluator, shareBars, toSharedBars, type Evaluator, type SweepSpec, type TrialInput } from '../../src/research/sweep/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rrr-sweep-pool-'));
// The library's modules by path: under vitest the in-thread reference does not see the 'rrr-backtest' alias
// (the CLI tests cover it), and the few modules a strategy needs load faster than the whole library.
const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).pathname;
const imports = `import { ema, sma } from '${src('indicators/index.ts')}';
import { defineStrategy } from '${src('strategies/define.ts')}';
import { int } from '${src('strategies/params.ts')}';
import { crossSignals } from '${src('strategies/signals.ts')}';`;
const file = (name: string, code: string) => {
  const path = join(dir, name);
  writeFileSync(path, code);
  return path;
};
const emaFile = file(
  'ema-trend.ts',
  `${imports}
export default defineStrategy({
  name: 'ema-trend',
  params: { fast: int(8, { min: 2, max: 100 }), slow: int(30, { min: 3, max: 300 }) },
  warmup: (p) => p.slow,
  signals: (bars, p) => crossSignals(ema(bars.close, p.fast), ema(bars.close, p.slow)),
});
`,
);
const throwingFile = file(
  'throws.ts',
  `${imports}
export default defineStrategy({
  name: 'throws-on-3',
  params: { n: int(5, { min: 1, max: 50 }) },
  warmup: (p) => p.n * 4,
  signals: (bars, p) => {
    if (p.n === 3) throw new Error('three is not allowed');
    return crossSignals(sma(bars.close, p.n), sma(bars.close, p.n * 4));
  },
});
`,
);
const crashingFile = file(
  'crash.ts',
  `${imports}
export default defineStrategy({
  name: 'crash',
  params: { n: int(1, { min: 1, max: 9 }) },
  warmup: () => 1,
  signals: () => process.exit(7),
});
`,
);

const grid = (): TrialInput[] => {
  const trials: TrialInput[] = [];
  for (let fast = 5; fast <= 50; fast += 5) for (let slow = 20; slow <= 200; slow += 20) trials.push({ number: trials.length, params: { fast, slow } });
  return trials;
};
const small = (): TrialInput[] => [3, 5, 8, 13].flatMap((fast, i) => [34, 55].map((slow, j) => ({ number: i * 2 + j, params: { fast, slow } })));

const specs: Record<string, SweepSpec> = {
  'sma-cross, all metrics, PBO blocks': { strategy: 'sma-cross', sim: { fill: 'close', feeRate: 0.001 }, periodsPerYear: 525_600, pboSplits: 8 },
  'sma-cross with a 1% stop-loss, two metrics': {
    strategy: 'sma-cross',
    sim: { feeRate: 0.0005, stopLoss: { kind: 'pct', value: 0.01 } },
    periodsPerYear: 525_600,
    metrics: ['sharpe', 'tradeCount'],
    pboSplits: 0,
  },
  'sma-cross without moments, PBO blocks only': { strategy: 'sma-cross', sim: {}, periodsPerYear: 525_600, metrics: ['sharpe'], pboSplits: 6, moments: false },
  'a strategy file from a temp dir, both directions': { strategy: emaFile, sim: { direction: 'both' }, periodsPerYear: 525_600, metrics: ['totalReturnPct', 'maxDrawdownPct'], pboSplits: 4 },
};

let bars: Bars;
let reference: InThreadEvaluator;
let pool: PoolEvaluator;

beforeAll(async () => {
  bars = benchmarkBars(100_000);
  reference = new InThreadEvaluator();
  await reference.load([bars]);
  pool = new PoolEvaluator(2);
  await pool.load([bars]);
});

afterAll(async () => {
  await pool?.close();
  await reference?.close();
});

describe('the pool gives the in-thread results, bit for bit', () => {
  for (const [name, spec] of Object.entries(specs)) {
    for (const range of [{ from: 0, to: 100_000 }, { from: 30_000, to: 70_000 }]) {
      it(`${name}, bars [${range.from}, ${range.to})`, async () => {
        const trials = small();
        const expected = await reference.run(spec, range, trials);
        const got = await pool.run(spec, range, trials);
        expect(got).toEqual(expected);
        // toEqual treats -0 and 0 alike only for objects it recurses into; check every number's bits too.
        const bits = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'number' ? `${Object.is(v, -0) ? '-0' : v}` : v instanceof Float64Array ? [...v].map(String) : v));
        expect(bits(got)).toBe(bits(expected));
        expect(got.every((o) => o.error === undefined)).toBe(true);
        if (spec.pboSplits > 0) expect(got.every((o) => o.blocks?.length === 2 * spec.pboSplits)).toBe(true);
        expect(got.every((o) => (o.moments === undefined) === (spec.moments === false))).toBe(true);
      });
    }
  }
});

describe('the standard 100-pair sweep (BENCHMARK.md)', () => {
  it('finds (40, 200) with final value 15605.0014753782 on 2 workers, as in this thread', async () => {
    const spec: SweepSpec = { strategy: 'sma-cross', sim: { fill: 'close', feeRate: 0.001 }, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
    const inThread = await reference.run(spec, { from: 0, to: bars.length }, grid());
    const pooled = await pool.run(spec, { from: 0, to: bars.length }, grid());
    expect(pooled).toEqual(inThread);
    const best = pooled.reduce((a, b) => (b.metrics.finalEquity! > a.metrics.finalEquity! ? b : a));
    expect(grid()[best.number].params).toEqual({ fast: 40, slow: 200 });
    expect(best.metrics.finalEquity).toBeCloseTo(15605.0014753782, 8);
    // Leaving the moments out changes nothing else.
    const lean = await pool.run({ ...spec, moments: false }, { from: 0, to: bars.length }, grid());
    expect(lean).toEqual(pooled.map(({ moments: _, ...rest }) => rest));
  });

  it('createEvaluator(1) runs in this thread, more workers on a pool', async () => {
    const one = await createEvaluator(1);
    const two = await createEvaluator(2);
    expect(one).toBeInstanceOf(InThreadEvaluator);
    expect(two).toBeInstanceOf(PoolEvaluator);
    expect(two.concurrency).toBe(2);
    await Promise.all([one.close(), two.close()]);
    await expect(createEvaluator(1.5)).rejects.toThrow(/workers must be a whole number, 1 or more, not 1.5/);
  });

  it('one worker and two agree', async () => {
    const single = new PoolEvaluator(1);
    try {
      await single.load([bars]);
      const spec = specs['sma-cross, all metrics, PBO blocks'];
      expect(await single.run(spec, { from: 1_000, to: 90_000 }, small())).toEqual(await pool.run(spec, { from: 1_000, to: 90_000 }, small()));
    } finally {
      await single.close();
    }
  });
});

describe('a pool started before its data, and loaded again', () => {
  it('started ahead of the bars, then given two series in turn, gives the in-thread results on each', async () => {
    const early = new PoolEvaluator(2);
    try {
      await early.start();
      const spec = specs['sma-cross, all metrics, PBO blocks'];
      const other = benchmarkBars(20_000, 7);
      const otherReference = new InThreadEvaluator();
      await otherReference.load([other]);
      for (const [series, inThread] of [[bars, reference], [other, otherReference], [bars, reference]] as const) {
        await early.load([series]);
        const range = { from: 0, to: series.length };
        expect(await early.run(spec, range, small())).toEqual(await inThread.run(spec, range, small()));
      }
    } finally {
      await early.close();
    }
  });

  it('a worker that replaced one that died is sent the bars with its first batch, and gives the in-thread results', async () => {
    const survivor = new PoolEvaluator(2);
    try {
      await survivor.load([bars]);
      const crash: SweepSpec = { strategy: crashingFile, sim: {}, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
      await expect(survivor.run(crash, { from: 0, to: bars.length }, [{ number: 0, params: { n: 1 } }])).rejects.toThrow(/^A sweep worker failed/);
      const spec = specs['sma-cross with a 1% stop-loss, two metrics'];
      const trials = grid();
      expect(await survivor.run(spec, { from: 0, to: bars.length }, trials)).toEqual(await reference.run(spec, { from: 0, to: bars.length }, trials));
      const probes = await survivor.probe();
      expect(probes.every((p) => p.sharedBuffers)).toBe(true);
    } finally {
      await survivor.close();
    }
  });
});

describe('shared memory', () => {
  it('every worker sees the bars in a SharedArrayBuffer, and already-shared bars are not copied again', async () => {
    const probes = await pool.probe();
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((p) => p.sharedBuffers)).toBe(true);
    const shared = toSharedBars([bars]);
    expect(shared[0].close.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...shared[0].close.subarray(0, 5)]).toEqual([...bars.close.subarray(0, 5)]);
    // One buffer for the six columns, and shareBars hands back the same memory for shared input.
    const layout = shareBars(shared);
    expect(layout.series[0].columns.every((c) => c.buffer === shared[0].close.buffer)).toBe(true);
  });

  it('each worker computes a shared indicator once: the cache reports hits across trials', async () => {
    const counts = async () => new Map((await pool.probe()).map((p) => [p.threadId, p.indicatorCache]));
    const before = await counts();
    // 40 trials on 4 fast x 10 slow windows no other test uses: 14 distinct SMAs, 80 lookups.
    const spec: SweepSpec = { strategy: 'sma-cross', sim: {}, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
    const trials = [2, 3, 4, 6].flatMap((fast) => Array.from({ length: 10 }, (_, k) => ({ fast, slow: 70 + k }))).map((params, number) => ({ number, params }));
    await pool.run(spec, { from: 0, to: bars.length }, trials);
    const after = await counts();
    let hits = 0;
    let misses = 0;
    for (const [thread, stats] of after) {
      hits += stats.hits - (before.get(thread)?.hits ?? 0);
      misses += stats.misses - (before.get(thread)?.misses ?? 0);
    }
    expect(hits + misses).toBe(80);
    // Every distinct SMA at most once in each worker.
    expect(misses).toBeGreaterThanOrEqual(14);
    expect(misses).toBeLessThanOrEqual(14 * after.size);
  });
});

describe('errors', () => {
  it('a strategy that throws fails that trial only, with its message', async () => {
    const spec: SweepSpec = { strategy: throwingFile, sim: {}, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
    const trials = [2, 3, 4].map((n, number) => ({ number, params: { n } }));
    const got = await pool.run(spec, { from: 0, to: bars.length }, trials);
    expect(got).toEqual(await reference.run(spec, { from: 0, to: bars.length }, trials));
    expect(got[1].error).toMatch(/threw "three is not allowed"/);
    expect(got[1].metrics).toEqual({});
    expect(got[0].error).toBeUndefined();
    expect(got[2].metrics.finalEquity).toEqual(expect.any(Number));
  });

  it('a worker that dies rejects the run with one sentence; close() stops a run under way, which says so', async () => {
    const doomed = new PoolEvaluator(2);
    try {
      await doomed.load([bars]);
      const crash: SweepSpec = { strategy: crashingFile, sim: {}, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
      const error = await doomed.run(crash, { from: 0, to: bars.length }, [{ number: 0, params: { n: 1 } }]).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/^A sweep worker failed: .+\.$/);
      expect(error?.message.split('\n')).toHaveLength(1);

      const spec: SweepSpec = { strategy: 'sma-cross', sim: {}, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
      const trials = Array.from({ length: 2000 }, (_, number) => ({ number, params: { fast: 2 + (number % 50), slow: 60 + Math.floor(number / 50) } }));
      const running = doomed.run(spec, { from: 0, to: bars.length }, trials).then(
        () => undefined,
        (e: Error) => e,
      );
      await new Promise((r) => setTimeout(r, 200));
      await doomed.close();
      expect((await running)?.message).toBe('The sweep was stopped before this batch of trials finished.');
    } finally {
      await doomed.close();
    }
  });

  it('a strategy that cannot be found is refused with the same user error as in this thread', async () => {
    const spec: SweepSpec = { strategy: 'sma-crosss', sim: {}, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
    const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as UserError);
    const inThread = await caught(reference.run(spec, { from: 0, to: bars.length }, small()));
    const pooled = await caught(pool.run(spec, { from: 0, to: bars.length }, small()));
    expect(inThread?.message).toMatch(/^Unknown strategy "sma-crosss"\. Did you mean "sma-cross"\?/);
    expect(pooled).toBeInstanceOf(UserError);
    expect(pooled?.message).toBe(inThread?.message);
    expect(pooled?.exitCode).toBe(inThread?.exitCode);
  });

  it('refuses a range outside the bars, and run() before load()', async () => {
    const spec = specs['sma-cross, all metrics, PBO blocks'];
    await expect(pool.run(spec, { from: 10, to: 100_001 }, small())).rejects.toThrow(/bar range \[10, 100001\) must lie within the 100000 bars/);
    await expect(new PoolEvaluator(2).run(spec, { from: 0, to: 10 }, small())).rejects.toThrow(/load\(bars\) must come before run\(\)/);
    expect(() => new PoolEvaluator(0)).toThrow(/workers must be a whole number, 1 or more/);
  });
});
