/**
 * KKT conditions of the constrained optimizers on 50 seeded random problems each. The test writes each
 * problem's constraints itself, over z = [w, s, t] with s = |w| and t = |w - previous| taken from the answer
 * (the exact problem, no ridge), and checks: primal feasibility; stationarity grad f(z) = sum of active
 * constraint gradients times multipliers found by non-negative least squares (so dual feasibility holds by
 * construction and complementary slackness because only active constraints get a multiplier). An answer
 * that is not optimal leaves a stationarity residual no non-negative combination can remove.
 */
import { describe, expect, it } from 'vitest';
import { optimizePortfolio, type OptimizeInput, type WeightConstraints } from '../../src/portfolio/index.js';
import { matVec } from '../../src/portfolio/linalg.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';

interface Con {
  a: Float64Array;
  b: number;
  eq: boolean;
}

/** Lawson & Hanson (1974) non-negative least squares: min |A x - g| over x >= 0; A given by its columns. */
function nnls(cols: Float64Array[], g: Float64Array): Float64Array {
  const p = cols.length;
  const x = new Float64Array(p);
  const passive = new Array<boolean>(p).fill(false);
  const residual = () => {
    const r = Float64Array.from(g);
    cols.forEach((c, j) => {
      if (x[j] !== 0) for (let i = 0; i < r.length; i++) r[i] -= x[j] * c[i];
    });
    return r;
  };
  const lsq = (set: number[]) => {
    const k = set.length;
    const m = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) m[a * k + b] = dot(cols[set[a]], cols[set[b]]) + (a === b ? 1e-14 : 0);
      rhs[a] = dot(cols[set[a]], g);
    }
    return gauss(m, rhs, k);
  };
  for (let outer = 0; outer < 4 * p + 20; outer++) {
    const r = residual();
    let j = -1;
    let best = 1e-15;
    for (let c = 0; c < p; c++) {
      if (passive[c]) continue;
      const v = dot(cols[c], r);
      if (v > best) [best, j] = [v, c];
    }
    if (j < 0) break;
    passive[j] = true;
    for (let inner = 0; inner < 4 * p + 20; inner++) {
      const set = [...passive.keys()].filter((c) => passive[c]);
      const z = lsq(set);
      if (z.every((v) => v > 0)) {
        set.forEach((c, k) => (x[c] = z[k]));
        break;
      }
      let alpha = Infinity;
      set.forEach((c, k) => {
        if (z[k] <= 0) alpha = Math.min(alpha, x[c] / (x[c] - z[k]));
      });
      set.forEach((c, k) => {
        x[c] += alpha * (z[k] - x[c]);
        if (x[c] <= 1e-18) {
          x[c] = 0;
          passive[c] = false;
        }
      });
    }
  }
  return x;
}

function gauss(m: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    for (let k = 0; k < n; k++) [a[c * n + k], a[p * n + k]] = [a[p * n + k], a[c * n + k]];
    [x[c], x[p]] = [x[p], x[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= a[r * n + k] * x[k];
    x[r] = s / a[r * n + r];
  }
  return x;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The constraints of the exact problem over z = [w, s?, t?] (">=" unless eq). */
function constraintsOf(n: number, c: WeightConstraints, size: number, sAt?: number, tAt?: number): Con[] {
  const out: Con[] = [];
  const row = () => new Float64Array(size);
  const sum = row();
  sum.fill(1, 0, n);
  out.push({ a: sum, b: 1, eq: true });
  const lower = c.minWeight ?? ((c.longOnly ?? true) ? 0 : -(c.leverage ?? 1));
  const upper = c.maxWeight ?? ((c.longOnly ?? true) ? 1 : (c.leverage ?? 1));
  for (let i = 0; i < n; i++) {
    const lo = row();
    lo[i] = 1;
    out.push({ a: lo, b: lower, eq: false });
    const hi = row();
    hi[i] = -1;
    out.push({ a: hi, b: -upper, eq: false });
  }
  const abs = (at: number, centre: Float64Array | undefined, limit: number) => {
    for (let i = 0; i < n; i++) {
      const a1 = row();
      a1[at + i] = 1;
      a1[i] = -1;
      out.push({ a: a1, b: centre ? -centre[i] : 0, eq: false });
      const a2 = row();
      a2[at + i] = 1;
      a2[i] = 1;
      out.push({ a: a2, b: centre ? centre[i] : 0, eq: false });
    }
    const total = row();
    total.fill(-1, at, at + n);
    out.push({ a: total, b: -limit, eq: false });
  };
  if (sAt !== undefined) abs(sAt, undefined, c.leverage!);
  if (tAt !== undefined) abs(tAt, c.previous, c.maxTurnover!);
  return out;
}

/**
 * Checks KKT for min f with gradient `grad` (over w) at w; `extra` are further ">=" constraints on w with
 * their gradients (e.g. mu'w >= R). Returns the relative stationarity residual.
 */
function kktResidual(w: Float64Array, grad: Float64Array, c: WeightConstraints, extra: Con[] = [], gradScale?: number): number {
  const n = w.length;
  const hasS = !(c.longOnly ?? true) && c.leverage !== undefined;
  const hasT = c.maxTurnover !== undefined;
  const sAt = hasS ? n : undefined;
  const tAt = hasT ? n + (hasS ? n : 0) : undefined;
  const size = n + (hasS ? n : 0) + (hasT ? n : 0);
  const z = new Float64Array(size);
  z.set(w);
  if (sAt !== undefined) for (let i = 0; i < n; i++) z[sAt + i] = Math.abs(w[i]);
  if (tAt !== undefined) for (let i = 0; i < n; i++) z[tAt + i] = Math.abs(w[i] - c.previous![i]);
  const cons = constraintsOf(n, c, size, sAt, tAt);
  for (const e of extra) {
    const a = new Float64Array(size);
    a.set(e.a);
    cons.push({ a, b: e.b, eq: e.eq });
  }
  const g = new Float64Array(size);
  g.set(grad);
  const cols: Float64Array[] = [];
  for (const con of cons) {
    const slack = dot(con.a, z) - con.b;
    const scale = 1e-9 * Math.max(1, Math.abs(con.b));
    // Primal feasibility.
    if (con.eq) expect(Math.abs(slack)).toBeLessThan(scale);
    else expect(slack).toBeGreaterThan(-scale);
    // Unit-length columns keep the least squares well scaled (a row of returns is ~1e-3 long).
    const unit = con.a.map((v) => v / Math.sqrt(dot(con.a, con.a)));
    if (con.eq) cols.push(unit, unit.map((v) => -v));
    else if (slack < 1e-8) cols.push(unit);
  }
  const mult = nnls(cols, g);
  const r = Float64Array.from(g);
  cols.forEach((col, j) => {
    for (let i = 0; i < size; i++) r[i] -= mult[j] * col[i];
  });
  return Math.sqrt(dot(r, r)) / (gradScale ?? Math.sqrt(dot(g, g)));
}

function problem(seed: number): { n: number; cov: Float64Array; mean: Float64Array; rng: Mulberry32 } {
  const rng = new Mulberry32(seed);
  const n = 3 + Math.floor(rng.next() * 10);
  const k = 2 + Math.floor(rng.next() * n);
  const b = Float64Array.from({ length: n * k }, () => rng.next() * 2 - 1);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += b[i * k + t] * b[j * k + t];
      cov[i * n + j] = 1e-4 * (s / k + (i === j ? 0.02 + 0.2 * rng.next() : 0));
    }
  const mean = Float64Array.from({ length: n }, () => 0.001 * (rng.next() * 1.5 - 0.3));
  return { n, cov, mean, rng };
}

/** A random constraint set that is feasible: long-only or long-short, bounds, leverage, turnover. */
function constraintsFor(n: number, rng: Mulberry32, kind: 'long-only' | 'long-short' | 'turnover'): WeightConstraints {
  if (kind === 'long-only') return { longOnly: true, maxWeight: Math.min(1, (1 / n) * (1.2 + 3 * rng.next())) };
  if (kind === 'long-short') return { longOnly: false, minWeight: -0.3 - 0.5 * rng.next(), maxWeight: 0.5 + rng.next(), leverage: 1.2 + rng.next() };
  const previous = new Float64Array(n).fill(1 / n);
  return { longOnly: rng.next() < 0.5, leverage: 1.5, minWeight: rng.next() < 0.5 ? undefined : -0.2, previous, maxTurnover: 0.1 + 0.5 * rng.next() };
}

function fixLongOnly(c: WeightConstraints): WeightConstraints {
  // A long-only set has no negative lower bound.
  if ((c.longOnly ?? true) && c.minWeight !== undefined && c.minWeight < 0) return { ...c, minWeight: 0 };
  return c;
}

const kinds = ['long-only', 'long-short', 'turnover'] as const;
const input = (n: number, mean: Float64Array, cov: Float64Array, constraints: WeightConstraints): OptimizeInput => ({
  assets: Array.from({ length: n }, (_, i) => `A${i}`),
  mean,
  cov,
  constraints,
});

describe('KKT on 50 random problems per method', () => {
  for (const kind of kinds) {
    it(`min-variance, ${kind}`, () => {
      let worst = 0;
      for (let seed = 1; seed <= 50; seed++) {
        const { n, cov, mean, rng } = problem(seed);
        const c = fixLongOnly(constraintsFor(n, rng, kind));
        const r = optimizePortfolio('min-variance', input(n, mean, cov, c));
        worst = Math.max(worst, kktResidual(r.weights, matVec(cov, r.weights), c));
      }
      expect(worst).toBeLessThan(1e-6);
    });

    it(`max-sharpe, ${kind}`, () => {
      let worst = 0;
      let solved = 0;
      for (let seed = 101; seed <= 150; seed++) {
        const { n, cov, mean, rng } = problem(seed);
        const c = fixLongOnly(constraintsFor(n, rng, kind));
        const rf = 0.0001;
        if (Math.max(...mean) <= rf) continue;
        solved++;
        const r = optimizePortfolio('max-sharpe', { ...input(n, mean, cov, c), riskFreeRate: rf });
        // Minimise -S(w): grad = -(e / s - (e'w) S w / s^3).
        const sw = matVec(cov, r.weights);
        const vol = Math.sqrt(dot(r.weights, sw));
        const ew = dot(mean, r.weights) - rf;
        const grad = Float64Array.from(mean, (m, i) => -((m - rf) / vol - (ew * sw[i]) / vol ** 3));
        // At an interior optimum the Sharpe ratio's gradient vanishes: measure against the size of its terms.
        worst = Math.max(worst, kktResidual(r.weights, grad, c, [], Math.hypot(...mean.map((m) => m - rf)) / vol));
        expect(r.sharpe).toBeCloseTo(ew / vol, 12);
      }
      expect(worst).toBeLessThan(1e-6);
      expect(solved).toBeGreaterThan(40);
    });

    it(`mean-variance at a target return, ${kind}`, () => {
      let worst = 0;
      let binding = 0;
      for (let seed = 201; seed <= 250; seed++) {
        const { n, cov, mean, rng } = problem(seed);
        const c = fixLongOnly(constraintsFor(n, rng, kind));
        // A target between the min-variance return and the max-Sharpe one (reachable under c).
        const lo = optimizePortfolio('min-variance', input(n, mean, cov, c)).expectedReturn;
        const hi = Math.max(...mean);
        const target = lo + (hi - lo) * 0.3 * rng.next();
        let r;
        try {
          r = optimizePortfolio('mean-variance', { ...input(n, mean, cov, c), targetReturn: target });
        } catch {
          continue;
        }
        if (r.expectedReturn < target + 1e-12) binding++;
        worst = Math.max(worst, kktResidual(r.weights, matVec(cov, r.weights), c, [{ a: Float64Array.from(mean), b: target, eq: false }]));
        expect(r.expectedReturn).toBeGreaterThanOrEqual(target - 1e-12);
      }
      expect(worst).toBeLessThan(1e-6);
      expect(binding).toBeGreaterThan(25);
    });

    it(`mean-variance at a target risk, ${kind}`, () => {
      let worst = 0;
      for (let seed = 301; seed <= 350; seed++) {
        const { n, cov, mean, rng } = problem(seed);
        const c = fixLongOnly(constraintsFor(n, rng, kind));
        const least = optimizePortfolio('min-variance', input(n, mean, cov, c)).volatility;
        const target = least * (1.05 + 0.5 * rng.next());
        const r = optimizePortfolio('mean-variance', { ...input(n, mean, cov, c), targetRisk: target });
        expect(r.volatility).toBeLessThanOrEqual(target * (1 + 1e-9));
        // max mu'w s.t. s^2 - w'Sw >= 0: minimise -mu'w; the risk constraint's gradient is -2 S w when it binds.
        const sw = matVec(cov, r.weights);
        const extra = r.volatility > target * (1 - 1e-8) ? [{ a: sw.map((v) => -2 * v), b: dot(sw.map((v) => -2 * v), r.weights), eq: false }] : [];
        worst = Math.max(worst, kktResidual(r.weights, mean.map((m) => -m), c, extra));
      }
      // The bisection stops within 1e-12 of the target volatility (or at the end of its bracket): 1e-5.
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
