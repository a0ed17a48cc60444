/**
 * Weight constraints: checked for consistency (one sentence naming the conflict), then written as the
 * linear rows of a quadratic program over the lifted variables x = [w, s, t]:
 * - w: the n weights; sum w = 1; lower <= w_i <= upper;
 * - s (only long-short with a leverage limit): s_i >= |w_i| as s_i - w_i >= 0, s_i + w_i >= 0; sum s <= L;
 * - t (only with a turnover limit): t_i >= |w_i - previous_i| the same way; sum t <= maxTurnover.
 * Max-Sharpe solves for y = kappa w with kappa = sum y > 0 (Cornuejols & Tutuncu's change of variables):
 * every constraint a'w >= b becomes the homogeneous (a - b 1)'y >= 0, and sum w = 1 is dropped.
 */
import { UserError } from '../errors.js';
import type { QuadraticProgram } from './qp.js';
import type { WeightConstraints } from './types.js';

export interface ResolvedConstraints {
  longOnly: boolean;
  lower: number;
  upper: number;
  /** Limit on sum |w|; undefined = none (long-only portfolios always have sum |w| = 1). */
  leverage?: number;
  previous?: Float64Array;
  maxTurnover?: number;
}

/** Ridge on the auxiliary |.| variables: keeps quadprog's Hessian positive definite; 1e-9 of a unit-diagonal covariance. */
const AUX_RIDGE = 1e-9;

/** The defaults made explicit and every contradiction refused: long-only [0, 1]; long-short [-1, 1] or [-L, L] with a leverage L. */
export function resolveConstraints(n: number, c: WeightConstraints = {}): ResolvedConstraints {
  const longOnly = c.longOnly ?? true;
  const leverage = c.leverage;
  if (leverage !== undefined && !(leverage >= 1)) throw new UserError(`--leverage ${leverage} is below 1, but weights summing to 1 have a gross exposure of at least 1; give 1 or more.`);
  const reach = leverage ?? 1;
  const lower = c.minWeight ?? (longOnly ? 0 : -reach);
  const upper = c.maxWeight ?? (longOnly ? 1 : reach);
  if (Number.isNaN(lower) || Number.isNaN(upper)) throw new UserError('A weight bound is not a number; give --min-weight and --max-weight as numbers.');
  if (longOnly && lower < 0) throw new UserError(`--min-weight ${lower} allows short positions, which --long-only forbids; give a bound of 0 or more, or allow shorts.`);
  if (lower > upper) throw new UserError(`--min-weight ${lower} is above --max-weight ${upper}; give a lower bound no larger than the upper one.`);
  if (n * upper < 1 - 1e-12) throw new UserError(`--max-weight ${upper} with ${n} assets cannot sum to 1: raise it to at least ${formatBound(1 / n)}.`);
  if (n * lower > 1 + 1e-12) throw new UserError(`--min-weight ${lower} with ${n} assets sums to more than 1: lower it to at most ${formatBound(1 / n)}.`);
  const out: ResolvedConstraints = { longOnly, lower, upper, leverage };
  if (c.maxTurnover !== undefined || c.previous !== undefined) {
    if (c.maxTurnover === undefined || c.previous === undefined) throw new UserError('A turnover limit needs both the previous weights and --max-turnover; give both or neither.');
    if (!(c.maxTurnover >= 0)) throw new UserError(`--max-turnover ${c.maxTurnover} is negative; give 0 or more (sum of |weight changes|).`);
    if (c.previous.length !== n) throw new UserError(`The previous weights have ${c.previous.length} entries for ${n} assets; give one per asset.`);
    out.previous = c.previous;
    out.maxTurnover = c.maxTurnover;
  }
  return out;
}

function formatBound(x: number): string {
  return String(Math.ceil(x * 1e6) / 1e6);
}

/** True when the constraints are the plain defaults (long-only, [0, 1], no leverage or turnover limit). */
export function isDefault(c: WeightConstraints | undefined): boolean {
  if (!c) return true;
  return (c.longOnly ?? true) && (c.minWeight ?? 0) === 0 && (c.maxWeight ?? 1) === 1 && (c.leverage === undefined || c.leverage >= 1) && c.maxTurnover === undefined && c.previous === undefined;
}

export interface Layout {
  n: number;
  size: number;
  /** Offsets of s and t in x, when present. */
  s?: number;
  t?: number;
}

export function layoutOf(n: number, rc: ResolvedConstraints): Layout {
  let size = n;
  const layout: Layout = { n, size };
  if (!rc.longOnly && rc.leverage !== undefined) {
    layout.s = size;
    size += n;
  }
  if (rc.maxTurnover !== undefined) {
    layout.t = size;
    size += n;
  }
  layout.size = size;
  return layout;
}

/**
 * The program minimising 1/2 w'Hw + c'w under the constraints, plus `extra` rows on w (e.g. mu'w >= R).
 * `homogeneous`: the max-Sharpe form in y (see the file comment); `extra` rows are then taken as given.
 */
export function buildProgram(
  hessian: Float64Array,
  linear: Float64Array | undefined,
  rc: ResolvedConstraints,
  options: { homogeneous?: boolean; extraEqualities?: Row[]; extraInequalities?: Row[] } = {},
): { program: QuadraticProgram; layout: Layout } {
  const n = Math.round(Math.sqrt(hessian.length));
  const layout = layoutOf(n, rc);
  const m = layout.size;
  const H = new Float64Array(m * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * m + j] = hessian[i * n + j];
  for (let i = n; i < m; i++) H[i * m + i] = AUX_RIDGE;
  const c = new Float64Array(m);
  if (linear) c.set(linear);

  const eq: Row[] = [];
  const ineq: Row[] = [];
  const row = () => new Float64Array(m);
  if (!options.homogeneous) {
    const sum = row();
    sum.fill(1, 0, n);
    eq.push({ a: sum, b: 1 });
  }
  for (let i = 0; i < n; i++) {
    if (rc.lower > -Infinity) {
      const a = row();
      a[i] = 1;
      ineq.push({ a, b: rc.lower });
    }
    // Long-only, w_i <= 1 follows from w >= 0 and sum w = 1: the row would only cost quadprog time.
    if (rc.upper < Infinity && !(rc.longOnly && rc.lower >= 0 && rc.upper >= 1)) {
      const a = row();
      a[i] = -1;
      ineq.push({ a, b: -rc.upper });
    }
  }
  const absoluteRows = (offset: number, centre: Float64Array | undefined, limit: number) => {
    for (let i = 0; i < n; i++) {
      const up = row();
      up[offset + i] = 1;
      up[i] = -1;
      ineq.push({ a: up, b: centre ? -centre[i] : 0 });
      const down = row();
      down[offset + i] = 1;
      down[i] = 1;
      ineq.push({ a: down, b: centre ? centre[i] : 0 });
    }
    const total = row();
    total.fill(-1, offset, offset + n);
    ineq.push({ a: total, b: -limit });
  };
  if (layout.s !== undefined) absoluteRows(layout.s, undefined, rc.leverage!);
  if (layout.t !== undefined) absoluteRows(layout.t, rc.previous, rc.maxTurnover!);

  if (options.homogeneous) {
    for (const r of [...eq, ...ineq]) {
      if (r.b !== 0) for (let i = 0; i < n; i++) r.a[i] -= r.b;
      r.b = 0;
    }
    // kappa = sum y > 0 (>= 0 here; the caller refuses kappa = 0).
    const kappa = row();
    kappa.fill(1, 0, n);
    ineq.push({ a: kappa, b: 0 });
  }
  const widen = (r: Row): Row => {
    const a = row();
    a.set(r.a);
    return { a, b: r.b };
  };
  eq.push(...(options.extraEqualities ?? []).map(widen));
  ineq.push(...(options.extraInequalities ?? []).map(widen));
  return {
    program: { n: m, hessian: H, linear: c, equalities: { rows: eq.map((r) => r.a), rhs: eq.map((r) => r.b) }, inequalities: { rows: ineq.map((r) => r.a), rhs: ineq.map((r) => r.b) } },
    layout,
  };
}

/** One linear constraint a'x (= or >=) b. */
export interface Row {
  a: Float64Array;
  b: number;
}

/** A sentence naming the constraints that could not all hold (after the simple checks of resolveConstraints). */
export function describeConstraints(rc: ResolvedConstraints, extra?: string): string {
  const parts = [`weights in [${rc.lower}, ${rc.upper}] summing to 1`];
  if (rc.leverage !== undefined && !rc.longOnly) parts.push(`gross exposure at most ${rc.leverage}`);
  if (rc.maxTurnover !== undefined) parts.push(`turnover at most ${rc.maxTurnover} from the previous weights`);
  if (extra) parts.push(extra);
  return parts.join(', ');
}
