import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import { trainLogistic, trainRidge, linearScore } from '../../src/ml/models/linear.js';
import { trainModel, scoreModel } from '../../src/ml/models/index.js';
import { auc } from '../../src/ml/metrics.js';

function sample(rows: number, f: number, seed: number, coef: number[], noise: number) {
  const rand = mulberry32(seed);
  const x = Float64Array.from({ length: rows * f }, () => rand() * 2 - 1);
  const y = Float64Array.from({ length: rows }, (_, i) => coef.reduce((s, c, j) => s + c * x[i * f + j], 0.3) + noise * (rand() - 0.5));
  return { x, y };
}

/** Gauss-Jordan with partial pivoting: an independent solver for the checks. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const k = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= k * m[c][j];
    }
  }
  return m.map((r, i) => r[n] / r[i]);
}

describe('ridge', () => {
  it('matches the closed form with an unpenalised intercept, solved independently on the augmented system', () => {
    const rows = 300;
    const f = 4;
    const { x, y } = sample(rows, f, 1, [0.5, -1, 0.2, 0], 0.4);
    const lambda = 2.5;
    const fit = trainRidge({ x, rows, features: f }, y, lambda);
    // Normal equations in (w, b): [X'X + lambda I, X'1; 1'X, n] [w; b] = [X'y; 1'y].
    const p = f + 1;
    const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const b = new Array<number>(p).fill(0);
    for (let i = 0; i < rows; i++) {
      const row = [...Array.from(x.subarray(i * f, i * f + f)), 1];
      for (let j = 0; j < p; j++) {
        b[j] += row[j] * y[i];
        for (let k = 0; k < p; k++) a[j][k] += row[j] * row[k];
      }
    }
    for (let j = 0; j < f; j++) a[j][j] += lambda;
    const expected = solve(a, b);
    fit.weights.forEach((w, j) => expect(w).toBeCloseTo(expected[j], 10));
    expect(fit.bias).toBeCloseTo(expected[f], 10);
  });
});

describe('logistic', () => {
  it('agrees with plain gradient ascent on the same penalised likelihood, and its gradient vanishes', () => {
    const rows = 400;
    const f = 3;
    const { x, y } = sample(rows, f, 2, [2, -1.5, 0.5], 3);
    const l2 = 0.5;
    const fit = trainLogistic({ x, rows, features: f }, y, { l2 });
    // Second implementation: gradient ascent with a fixed step, run to convergence.
    const w = new Array<number>(f + 1).fill(0);
    for (let it = 0; it < 20000; it++) {
      const g = new Array<number>(f + 1).fill(0);
      for (let i = 0; i < rows; i++) {
        let z = w[f];
        for (let j = 0; j < f; j++) z += w[j] * x[i * f + j];
        const r = (y[i] > 0 ? 1 : 0) - 1 / (1 + Math.exp(-z));
        for (let j = 0; j < f; j++) g[j] += r * x[i * f + j];
        g[f] += r;
      }
      for (let j = 0; j < f; j++) g[j] -= l2 * w[j];
      for (let j = 0; j <= f; j++) w[j] += (0.5 / rows) * g[j] * 4;
    }
    fit.weights.forEach((v, j) => expect(v).toBeCloseTo(w[j], 6));
    expect(fit.bias).toBeCloseTo(w[f], 6);
    const p = linearScore(fit, x, rows, f);
    expect(auc(p, y)).toBeGreaterThan(0.7);
  });
});

/** The penalised log-likelihood's gradient at a fit, computed here from its definition: zero at the optimum. */
function logisticGradient(x: Float64Array, y: Float64Array, rows: number, f: number, fit: { weights: readonly number[]; bias: number }, l2: number): number[] {
  const g = new Array<number>(f + 1).fill(0);
  for (let i = 0; i < rows; i++) {
    let z = fit.bias;
    for (let j = 0; j < f; j++) z += fit.weights[j] * x[i * f + j];
    const r = (y[i] > 0 ? 1 : 0) - 1 / (1 + Math.exp(-z));
    for (let j = 0; j < f; j++) g[j] += r * x[i * f + j];
    g[f] += r;
  }
  return g.map((v, j) => (j < f ? v - l2 * fit.weights[j] : v));
}

describe('logistic on a large set (warm start, then quasi-Newton steps from a sampled Hessian)', () => {
  it('reaches the same optimum as full Newton steps, where the gradient vanishes', () => {
    const rows = 200_000;
    const f = 3;
    const { x, y } = sample(rows, f, 9, [1.5, -1, 0.3], 3);
    const fast = trainLogistic({ x, rows, features: f }, y);
    const full = trainLogistic({ x, rows, features: f }, y, { iterations: 25 });
    fast.weights.forEach((w, j) => expect(w).toBeCloseTo(full.weights[j], 9));
    expect(fast.bias).toBeCloseTo(full.bias, 9);
    // Stopping at a tolerance of 1e-8 instead of 1e-10 already leaves ~3e-12 x rows here.
    const g = logisticGradient(x, y, rows, f, fast, 1e-4 * rows);
    for (const v of g) expect(Math.abs(v) / rows).toBeLessThan(1e-13);
  });

  it('fits raw rows through `standardize` as it fits a standardised copy (small and large sets)', () => {
    for (const rows of [500, 120_000]) {
      const f = 4;
      const rand = mulberry32(rows);
      // Offsets and scales far from 0 and 1, as raw features have.
      const scale = [0.01, 3, 250, 1];
      const offset = [5, -40, 1e4, 0.5];
      const x = Float64Array.from({ length: rows * f }, (_, k) => offset[k % f] + scale[k % f] * (rand() * 2 - 1));
      const y = Float64Array.from({ length: rows }, (_, i) => (x[i * f] - 5) / 0.01 - (x[i * f + 1] + 40) / 3 + 2 * (rand() - 0.5));
      const column = (j: number) => Array.from({ length: rows }, (_, i) => x[i * f + j]);
      const mean = [0, 1, 2, 3].map((j) => column(j).reduce((a, b) => a + b) / rows);
      const std = [0, 1, 2, 3].map((j) => Math.sqrt(column(j).reduce((a, v) => a + (v - mean[j]) ** 2, 0) / rows));
      const z = Float64Array.from(x, (v, k) => (v - mean[k % f]) / std[k % f]);
      const raw = trainLogistic({ x, rows, features: f }, y, { standardize: { mean, std } });
      const copy = trainLogistic({ x: z, rows, features: f }, y, { iterations: 25 });
      raw.weights.forEach((w, j) => expect(w, `${rows} rows, weight ${j}`).toBeCloseTo(copy.weights[j], 9));
      expect(raw.bias).toBeCloseTo(copy.bias, 9);
      expect(Math.abs(raw.weights[0])).toBeGreaterThan(0.5);
    }
  });
});

describe('mlp and gbdt', () => {
  it('are seeded: the same data and seed give the same predictions, another seed other ones (mlp)', () => {
    const { x, y } = sample(300, 3, 3, [1, -1, 0.5], 0.5);
    const a = scoreModel(trainModel('mlp', x, y, 300, 3, { seed: 4, mlp: { epochs: 5 } }), x, 300, 3);
    const b = scoreModel(trainModel('mlp', x, y, 300, 3, { seed: 4, mlp: { epochs: 5 } }), x, 300, 3);
    const c = scoreModel(trainModel('mlp', x, y, 300, 3, { seed: 5, mlp: { epochs: 5 } }), x, 300, 3);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('learn a non-linear rule a linear model cannot (x0 * x1 > 0)', () => {
    const rows = 2000;
    const rand = mulberry32(8);
    const x = Float64Array.from({ length: rows * 2 }, () => rand() * 2 - 1);
    const y = Float64Array.from({ length: rows }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : -1));
    const linear = auc(scoreModel(trainModel('logistic', x, y, rows, 2), x, rows, 2), y);
    const mlp = auc(scoreModel(trainModel('mlp', x, y, rows, 2, { seed: 1, mlp: { epochs: 60, hidden: [16, 8], learningRate: 0.01 } }), x, rows, 2), y);
    const gbdt = auc(scoreModel(trainModel('gbdt', x, y, rows, 2, { gbdt: { trees: 40, depth: 3 } }), x, rows, 2), y);
    expect(linear).toBeLessThan(0.6);
    expect(mlp).toBeGreaterThan(0.95);
    expect(gbdt).toBeGreaterThan(0.95);
  });

  it('regression gbdt fits a step function exactly where bins allow', () => {
    const rows = 1000;
    const x = Float64Array.from({ length: rows }, (_, i) => i / rows);
    const y = Float64Array.from(x, (v) => (v > 0.5 ? 3 : 1));
    const model = trainModel('gbdt', x, y, rows, 1, { gbdt: { trees: 100, depth: 1, learningRate: 0.3 } }, 'regression');
    const p = scoreModel(model, x, rows, 1);
    expect(p[10]).toBeCloseTo(1, 4);
    expect(p[990]).toBeCloseTo(3, 4);
  });
});
