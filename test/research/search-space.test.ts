import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { bool, choice, float, int } from '../../src/strategies/params.js';
import smaCross from '../../src/strategies/builtin/sma-cross.js';
import { checkGridSize, createSampler, gridSize, parseGridFlags, spaceFromSchema, strategyCheck, type SearchSpace } from '../../src/research/search/index.js';

const schema = {
  fast: int(10, { min: 2, max: 200 }),
  slow: int(50, { min: 5, max: 500 }),
  stop: float(0.02, { min: 0, max: 0.5 }),
  mode: choice('close', ['close', 'hl2']),
  short: bool(false),
};

/** The UserError message a call throws (and fails if it throws anything else). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('parseGridFlags', () => {
  it('reads START:END:STEP, START:END for ints, float steps and lists', () => {
    const dims = parseGridFlags('s', schema, ['fast=5:50:5', 'slow=20:22', 'stop=0.1:0.3:0.1', 'mode=hl2,close', 'short=true,false']);
    expect(dims.fast).toEqual({ kind: 'int', name: 'fast', low: 5, high: 50, step: 5 });
    expect(dims.slow).toEqual({ kind: 'int', name: 'slow', low: 20, high: 22, step: 1 });
    expect(dims.mode).toEqual({ kind: 'values', name: 'mode', values: ['hl2', 'close'] });
    expect(dims.short).toEqual({ kind: 'values', name: 'short', values: [true, false] });
    const space = spaceFromSchema(schema, dims);
    // 0.1 + 2 * 0.1 is 0.30000000000000004 in binary; the grid shows the written 0.3.
    const grid = createSampler(space, { method: 'grid' });
    const stops = new Set<unknown>();
    for (let t = grid.ask(); t; t = grid.ask()) stops.add(t.params.stop);
    expect([...stops]).toEqual([0.1, 0.2, 0.3]);
    expect(gridSize(space)).toBe(10 * 3 * 3 * 2 * 2);
  });

  it('refuses bad ranges with one sentence each', () => {
    const cases: Array<[string, RegExp]> = [
      ['fast=50:5:5', /inverted range/],
      ['fast=5:50:0', /zero step/],
      ['fast=5:50:-5', /negative step/],
      ['fast=', /empty range/],
      ['fast=5,,6', /empty item/],
      ['fast=5:50:2.5', /whole number/],
      ['stop=0:0.5', /needs a step/],
      ['fast=1:50:5', /fast=1 is not valid: use an integer from 2 to 200/],
      ['mode=close,open', /mode=open is not valid/],
      ['mode=1:3:1', /choice parameter/],
      ['fats=5:50:5', /has no parameter "fats" to search\. Did you mean "fast"\?/],
      ['5:50', /not NAME=START:END:STEP/],
    ];
    for (const [entry, pattern] of cases) {
      const message = refusal(() => parseGridFlags('sma-cross', schema, [entry]));
      expect(message, entry).toMatch(pattern);
      expect(message.split(/[.?!] /).length <= 2 && !message.includes('\n'), entry).toBe(true);
    }
    expect(refusal(() => parseGridFlags('s', schema, ['fast=5:6', 'fast=7:8']))).toMatch(/twice/);
  });

  it('refuses a grid over 1,000,000 trials unless allowed', () => {
    const space = spaceFromSchema({ a: int(1, { min: 1, max: 1001 }), b: int(1, { min: 1, max: 1000 }) });
    expect(refusal(() => createSampler(space, { method: 'grid' }))).toMatch(/1,001,000 trials, over the 1,000,000 limit.*--yes/);
    expect(createSampler(space, { method: 'grid', allowLarge: true }).size).toBe(1_001_000);
    expect(checkGridSize(spaceFromSchema({ a: int(1, { min: 1, max: 1000 }), b: int(1, { min: 1, max: 1000 }) }))).toBe(1_000_000);
    // A float without a step has no grid.
    expect(refusal(() => createSampler(spaceFromSchema({ x: float(0, { min: 0, max: 1 }) }), { method: 'grid' }))).toMatch(/x has none/);
  });
});

describe('grid', () => {
  it('enumerates every point once, first parameter slowest, and knows its size', () => {
    const space = spaceFromSchema(schema, parseGridFlags('s', schema, ['fast=2:4:1', 'slow=10:30:10']), { stop: 0.1, mode: 'close', short: false });
    const study = createSampler(space, { method: 'grid' });
    expect(study.size).toBe(9);
    const seen: string[] = [];
    for (let t = study.ask(); t; t = study.ask()) {
      seen.push(`${t.params.fast}/${t.params.slow}`);
      study.tell(t, 0);
    }
    expect(seen).toEqual(['2/10', '2/20', '2/30', '3/10', '3/20', '3/30', '4/10', '4/20', '4/30']);
    expect(study.ask()).toBeUndefined();
  });

  it("prunes the strategy's invalid points before they run, keeping trial numbers = grid positions", () => {
    const space = spaceFromSchema(smaCross.params, parseGridFlags('sma-cross', smaCross.params, ['fast=10:30:10', 'slow=10:30:10']));
    const study = createSampler(space, { method: 'grid', validate: strategyCheck(smaCross) });
    const run: string[] = [];
    for (let t = study.ask(); t; t = study.ask()) {
      run.push(`${t.number}:${t.params.fast}/${t.params.slow}`);
      study.tell(t, Number(t.params.slow) - Number(t.params.fast));
    }
    expect(run).toEqual(['1:10/20', '2:10/30', '5:20/30']);
    expect(study.trials.filter((t) => t.state === 'pruned').map((t) => t.number)).toEqual([0, 3, 4, 6, 7, 8]);
    expect(study.trials[0].reason).toBe('fast must be below slow');
    expect(study.best()).toMatchObject({ number: 2, value: 20 });
  });
});

describe('random', () => {
  const space: SearchSpace = spaceFromSchema(schema, parseGridFlags('s', schema, ['fast=5:50:5']));
  const draw = (seed: number) => {
    const study = createSampler(space, { method: 'random', seed });
    return Array.from({ length: 50 }, () => study.ask()!.params);
  };

  it('is reproducible by seed and differs across seeds', () => {
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('stays on each range and its step, and reaches both ends', () => {
    const fasts = new Set<number>();
    const study = createSampler(space, { method: 'random', seed: 1 });
    for (let i = 0; i < 2000; i++) {
      const p = study.ask()!.params;
      fasts.add(p.fast as number);
      expect(p.stop as number).toBeGreaterThanOrEqual(0);
      expect(p.stop as number).toBeLessThanOrEqual(0.5);
      expect(['close', 'hl2']).toContain(p.mode);
      expect(typeof p.short).toBe('boolean');
      expect(Number.isInteger(p.slow)).toBe(true);
    }
    expect([...fasts].sort((a, b) => a - b)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
  });

  it('gives up with one sentence when the check rejects everything', () => {
    const study = createSampler(space, { method: 'random', validate: () => 'never', maxConsecutivePrunes: 20 });
    expect(refusal(() => study.ask())).toMatch(/no parameters that pass the strategy's check in 20 tries/);
  });
});

describe('ask/tell bookkeeping', () => {
  it('completes, prunes, fails, and refuses double or foreign tells', () => {
    const space = spaceFromSchema({ x: int(1, { min: 1, max: 9 }) });
    const study = createSampler(space, { method: 'random', seed: 3, direction: 'minimize' });
    const [a, b, c, d] = [study.ask()!, study.ask()!, study.ask()!, study.ask()!];
    study.tell(a, 2);
    study.tell(b, undefined);
    study.tell(c, NaN);
    study.prune(d, 'constraint tradeCount>=30 failed');
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'pruned', 'failed', 'pruned']);
    expect(study.trials[3].reason).toMatch(/tradeCount/);
    expect(() => study.tell(a, 1)).toThrow(RangeError);
    expect(() => study.tell({ number: 99, params: { x: 1 } }, 1)).toThrow(/not asked/);
    // A copy coming back from a worker is accepted by its number.
    const e = study.ask()!;
    study.tell({ number: e.number, params: { ...e.params } }, 1);
    expect(study.best()).toMatchObject({ number: 4, value: 1 });
  });
});
