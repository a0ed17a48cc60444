import { describe, expect, it } from 'vitest';
import { createSampler, defaultGamma, splitTrials, type SearchSpace, type TrialRecord } from '../../src/research/search/index.js';
import { CategoricalParzen, defaultWeights, NumericParzen } from '../../src/research/search/parzen.js';
import { logGaussMass, logNormalCdf, normalQuantile, truncatedNormalQuantile } from '../../src/research/search/normal.js';
import { mulberry32 } from '../../src/data/synthetic.js';
import { branin, hartmann6 } from './search-functions.js';

const OPTUNA = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false };

describe('Gaussian helpers (references: scipy 1.17 special.log_ndtr, stats.norm, stats.truncnorm)', () => {
  it('log Phi and interval mass, deep tails included', () => {
    const logPhi: Array<[number, number]> = [[-40, -804.6084420137539], [-10, -53.23128515051248], [-3, -6.60772622151035], [-0.5, -1.1759117615936188], [0, -0.6931471805599453], [0.7, -0.2770239422771313], [3, -0.0013508099647481925]];
    for (const [x, ref] of logPhi) expect(Math.abs(logNormalCdf(x) - ref) / Math.abs(ref), String(x)).toBeLessThan(2e-7);
    const mass: Array<[number, number, number]> = [[-1, 2, -0.20016629432446262], [-12, -11, -63.824943392209654], [5, 5.5, -15.13354081127129], [0.3, 0.3005, -8.564916033473985], [-0.5, 0.5, -0.9599163336956222]];
    for (const [a, b, ref] of mass) expect(Math.abs(logGaussMass(a, b) - ref), `${a}..${b}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref)));
  });

  it('quantiles', () => {
    for (const [p, ref] of [[1e-10, -6.361340902404056], [0.01, -2.3263478740408408], [0.3, -0.5244005127080409], [0.9, 1.2815515655446004], [0.999, 3.090232306167813]]) {
      expect(normalQuantile(p)).toBeCloseTo(ref, 7);
    }
    expect(truncatedNormalQuantile(0.3, -0.5, 2)).toBeCloseTo(0.022940762771432085, 6);
    expect(truncatedNormalQuantile(0.9, 0, 3)).toBeCloseTo(1.6331863189144873, 6);
    expect(truncatedNormalQuantile(0.01, -30, 1)).toBeCloseTo(-2.3904684477529443, 6);
  });
});

describe("Parzen estimators (Optuna's bandwidth rules, hand-worked)", () => {
  it('continuous: gaps to neighbours, endpoints not considered, magic clip, prior kernel', () => {
    // [0, 1], observations 0.2, 0.5, 0.6: gaps give 0.3, 0.3, 0.4; without endpoints the outer two take their
    // inner gap (0.3, 0.1); magic clip raises 0.1 to 1 / min(100, 1 + 4) = 0.2. Prior: mu 0.5, sigma 1.
    const l = new NumericParzen([0.2, 0.5, 0.6], 0, 1, 0, OPTUNA);
    expect([...l.sigmas].map((s) => +s.toFixed(12))).toEqual([0.3, 0.3, 0.2, 1]);
    expect([...l.mus]).toEqual([0.2, 0.5, 0.6, 0.5]);
    expect([...l.weights]).toEqual([0.25, 0.25, 0.25, 0.25]);
    // scipy: log(sum 0.25 * truncnorm.pdf(x, (0-mu)/s, (1-mu)/s, loc=mu, scale=s)).
    expect(l.logPdf(0.4)).toBeCloseTo(0.24276774899287037, 6);
    expect(l.logPdf(0.95)).toBeCloseTo(-0.7238823292367172, 6);
    // With endpoints considered the outer kernels keep max(gap left, gap right).
    expect([...new NumericParzen([0.2, 0.5, 0.6], 0, 1, 0, { ...OPTUNA, considerEndpoints: true }).sigmas].map((s) => +s.toFixed(12))).toEqual([0.3, 0.3, 0.4, 1]);
  });

  it('discrete: half-step widening, tied observations, probabilities summing to 1', () => {
    // ints 1..10 -> [0.5, 10.5]; observations 3, 3, 7: inner gaps 0, 4, 4 -> first takes 0 -> clip to 10/5 = 2.
    const l = new NumericParzen([3, 3, 7], 1, 10, 1, OPTUNA);
    expect([...l.sigmas]).toEqual([2, 4, 4, 10]);
    expect(l.mus[3]).toBe(5.5);
    expect(l.logPdf(3)).toBeCloseTo(-1.9969987460705636, 6);
    expect(l.logPdf(10)).toBeCloseTo(-2.878814441174388, 6);
    let total = 0;
    for (let x = 1; x <= 10; x++) total += Math.exp(l.logPdf(x));
    expect(total).toBeCloseTo(1, 6);
    let draws = 0;
    const rand = mulberry32(5);
    for (let i = 0; i < 500; i++) {
      const x = l.sample(rand);
      expect(Number.isInteger(x) && x >= 1 && x <= 10).toBe(true);
      draws += x === 3 ? 1 : 0;
    }
    // P(3) = exp(-1.997) = 0.136: 68 of 500 expected, sd 7.7.
    expect(Math.abs(draws - 68)).toBeLessThan(4 * 7.7);
  });

  it('categorical: smoothed rows and a uniform prior row', () => {
    // 3 choices, observations 0, 0, 2, 4 kernels: each row gets 1/4 everywhere, +1 on its choice.
    const c = new CategoricalParzen([0, 0, 2], 3, OPTUNA);
    expect(c.logPdf(0)).toBeCloseTo(Math.log(0.25 * ((1.25 / 1.75) * 2 + 0.25 / 1.75 + 1 / 3)), 12);
    expect(Math.exp(c.logPdf(0)) + Math.exp(c.logPdf(1)) + Math.exp(c.logPdf(2))).toBeCloseTo(1, 12);
    expect(new CategoricalParzen([], 4, OPTUNA).logPdf(1)).toBeCloseTo(Math.log(0.25), 12);
  });

  it("default weights and gamma match Optuna's default_weights and default_gamma", () => {
    expect([...defaultWeights(3)]).toEqual([1, 1, 1]);
    const w = defaultWeights(30); // np.linspace(1/30, 1, 5) then 25 ones
    expect([...w.subarray(0, 5)].map((x) => +x.toFixed(12))).toEqual([0.033333333333, 0.275, 0.516666666667, 0.758333333333, 1]);
    expect(w.subarray(5).every((x) => x === 1)).toBe(true);
    expect([1, 10, 11, 100, 250, 1000].map(defaultGamma)).toEqual([1, 1, 2, 10, 25, 25]);
  });
});

describe('TPE split and constant liar', () => {
  const rec = (number: number, state: TrialRecord['state'], value?: number): TrialRecord => ({ number, params: { x: number }, state, value });
  it('best complete trials below; pruned fill only when short; running always above; chronological order', () => {
    const trials = [rec(0, 'complete', 5), rec(1, 'pruned'), rec(2, 'complete', 1), rec(3, 'running'), rec(4, 'complete', 3), rec(5, 'failed')];
    const nums = (ts: TrialRecord[]) => ts.map((t) => t.number);
    let s = splitTrials(trials, 2, 'minimize', true);
    expect([nums(s.below), nums(s.above)]).toEqual([[2, 4], [0, 1, 3]]);
    s = splitTrials(trials, 2, 'maximize', false);
    expect([nums(s.below), nums(s.above)]).toEqual([[0, 4], [1, 2]]);
    s = splitTrials(trials, 4, 'minimize', true);
    expect([nums(s.below), nums(s.above)]).toEqual([[0, 1, 2, 4], [3]]);
  });

  it('parallel asks without tells spread out instead of repeating a point', () => {
    const space: SearchSpace = { dimensions: [{ kind: 'int', name: 'x', low: 0, high: 100, step: 1 }] };
    const spread = (constantLiar: boolean) => {
      const study = createSampler(space, { method: 'tpe', seed: 11, direction: 'minimize', tpe: { constantLiar } });
      for (let i = 0; i < 20; i++) {
        const t = study.ask()!;
        study.tell(t, Math.abs((t.params.x as number) - 30));
      }
      const batch = Array.from({ length: 8 }, () => study.ask()!.params.x as number);
      return new Set(batch).size;
    };
    expect(spread(true)).toBeGreaterThan(spread(false));
  });
});

describe('TPE against random search (30 seeds, 100 trials, minimizing)', () => {
  const median = (a: number[]) => {
    const b = [...a].sort((x, y) => x - y);
    return (b[14] + b[15]) / 2;
  };
  const bestAfter = (space: SearchSpace, method: 'tpe' | 'random', seed: number, f: (p: Record<string, unknown>) => number) => {
    const study = createSampler(space, { method, seed, direction: 'minimize' });
    for (let i = 0; i < 100; i++) {
      const t = study.ask()!;
      study.tell(t, f(t.params));
    }
    return study.best()!.value!;
  };
  const compare = (space: SearchSpace, f: (p: Record<string, unknown>) => number) => {
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      tpe.push(bestAfter(space, 'tpe', seed, f));
      random.push(bestAfter(space, 'random', seed, f));
    }
    return { tpe: median(tpe), random: median(random) };
  };

  it('the test functions have their published optima', () => {
    for (const [x1, x2] of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]) expect(branin(x1, x2)).toBeCloseTo(0.397887, 5);
    expect(hartmann6([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])).toBeCloseTo(-3.32237, 5);
  });

  it('Branin (2-D, optimum 0.397887)', () => {
    const space: SearchSpace = { dimensions: [{ kind: 'float', name: 'x1', low: -5, high: 10 }, { kind: 'float', name: 'x2', low: 0, high: 15 }] };
    const r = compare(space, (p) => branin(p.x1 as number, p.x2 as number));
    expect(r.tpe).toBeLessThan(r.random);
    expect(r.tpe).toBeGreaterThanOrEqual(0.397887 - 1e-6);
  });

  it('Hartmann-6 (6-D, optimum -3.32237)', () => {
    const names = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'];
    const space: SearchSpace = { dimensions: names.map((name) => ({ kind: 'float' as const, name, low: 0, high: 1 })) };
    const r = compare(space, (p) => hartmann6(names.map((n) => p[n] as number)));
    expect(r.tpe).toBeLessThan(r.random);
    expect(r.tpe).toBeGreaterThanOrEqual(-3.32237 - 1e-5);
  });

  it('handles ints, steps, choices and the strategy check, and is reproducible by seed', () => {
    const space: SearchSpace = {
      dimensions: [
        { kind: 'int', name: 'fast', low: 2, high: 60, step: 2 },
        { kind: 'int', name: 'slow', low: 10, high: 200, step: 10 },
        { kind: 'float', name: 'k', low: 0.5, high: 3, step: 0.25 },
        { kind: 'values', name: 'mode', values: ['a', 'b', 'c'] },
      ],
    };
    // Best: fast 20, slow 100, k 1.75, mode 'b'.
    const f = (p: Record<string, unknown>) => Math.abs((p.fast as number) - 20) / 10 + Math.abs((p.slow as number) - 100) / 50 + Math.abs((p.k as number) - 1.75) + (p.mode === 'b' ? 0 : 1);
    const run = (seed: number) => {
      const study = createSampler(space, { method: 'tpe', seed, direction: 'minimize', validate: (p) => (p.fast as number) < (p.slow as number) || 'fast must be below slow' });
      for (let i = 0; i < 80; i++) {
        const t = study.ask()!;
        expect((t.params.fast as number) % 2).toBe(0);
        expect((t.params.slow as number) % 10).toBe(0);
        expect(((t.params.k as number) - 0.5) / 0.25).toBe(Math.round(((t.params.k as number) - 0.5) / 0.25));
        expect(t.params.fast as number).toBeLessThan(t.params.slow as number);
        study.tell(t, f(t.params));
      }
      return study;
    };
    const a = run(4);
    expect(run(4).trials).toEqual(a.trials);
    expect(a.best()!.value!).toBeLessThan(1);
    expect(a.best()!.params.mode).toBe('b');
  });
});
