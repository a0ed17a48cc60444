/**
 * Convex quadratic programs, solved by quadprog (npm, MIT): a JavaScript port of R's quadprog, the dual
 * active-set method of Goldfarb & Idnani (1983, "A numerically stable dual method for solving strictly
 * convex quadratic programs"). It needs a positive-definite Hessian, which a covariance matrix is; auxiliary
 * variables (|w| splits) get a tiny ridge so the lifted Hessian stays positive definite.
 * This wrapper takes 0-based row-major arrays and hides quadprog's 1-based nested arrays.
 */
import { createRequire } from 'node:module';
import { dot, solve } from './linalg.js';

type Nested = number[][];
interface QuadprogResult {
  solution: number[];
  Lagrangian: number[];
  iterations: number[];
  message: string;
  iact: number[];
}
const quadprog = createRequire(import.meta.url)('quadprog') as {
  solveQP(D: Nested, d: number[], A: Nested, b: number[], meq: number, factorized: number[]): QuadprogResult;
};

/** minimise 1/2 x'Hx + c'x subject to Aeq x = beq and G x >= h. */
export interface QuadraticProgram {
  /** Number of variables. */
  n: number;
  /** n x n row-major, symmetric positive definite. */
  hessian: Float64Array;
  linear?: Float64Array;
  /** Constraint rows, each of length n; equalities first. */
  equalities?: { rows: Float64Array[]; rhs: number[] };
  inequalities?: { rows: Float64Array[]; rhs: number[] };
}

export type QpOutcome =
  | { status: 'solved'; x: Float64Array; /** equality multipliers then inequality ones (>= 0), in row order */ multipliers: Float64Array; iterations: number }
  | { status: 'infeasible' | 'not-positive-definite' };

/**
 * `polish`: project the answer onto its active constraints (min |y - x| s.t. a'y = b for each active row),
 * for nearly linear programs whose dual steps leave ~1e-9 of rounding in the constraints.
 */
export function solveQuadraticProgram(qp: QuadraticProgram, options: { polish?: boolean } = {}): QpOutcome {
  const { n } = qp;
  const eq = qp.equalities ?? { rows: [], rhs: [] };
  const ineq = qp.inequalities ?? { rows: [], rhs: [] };
  // Each row scaled to unit length: quadprog's tests for activity and feasibility are absolute, and a row
  // of expected returns (~1e-3) next to rows of ones would otherwise be held to a looser standard.
  const norms = [...eq.rows, ...ineq.rows].map((r) => Math.sqrt(r.reduce((a, v) => a + v * v, 0)) || 1);
  const rows = [...eq.rows, ...ineq.rows].map((r, k) => r.map((v) => v / norms[k]));
  const rhs = [...eq.rhs, ...ineq.rhs].map((v, k) => v / norms[k]);
  const q = rows.length;
  const D: Nested = [[]];
  const d: number[] = [0];
  const A: Nested = [[]];
  for (let i = 0; i < n; i++) {
    const row = [0];
    for (let j = 0; j < n; j++) row.push(qp.hessian[i * n + j]);
    D.push(row);
    d.push(qp.linear ? -qp.linear[i] : 0);
    // quadprog's Amat is n x q: column j is constraint j.
    const arow = [0];
    for (let j = 0; j < q; j++) arow.push(rows[j][i]);
    A.push(arow);
  }
  // quadprog reads the constraint count from Amat[1].length: with none, give one vacuous row 0'x >= -1.
  if (q === 0) for (let i = 1; i <= n; i++) A[i].push(0);
  const b = q === 0 ? [0, -1] : [0, ...rhs];
  const result = quadprog.solveQP(D, d, A, b, eq.rows.length, [0, 0]);
  if (result.message === 'constraints are inconsistent, no solution!') return { status: 'infeasible' };
  if (result.message === 'matrix D in quadratic function is not positive definite!') return { status: 'not-positive-definite' };
  if (result.message) throw new Error(`quadprog: ${result.message}`);
  let x: Float64Array = Float64Array.from(result.solution.slice(1));
  if (!x.every(Number.isFinite)) return { status: 'infeasible' };
  if (options.polish) {
    const active = result.iact.slice(1).filter((k) => k > 0).map((k) => k - 1);
    x = project(x, active.map((k) => rows[k]), active.map((k) => rhs[k])) ?? x;
  }
  return { status: 'solved', x, multipliers: Float64Array.from(result.Lagrangian.slice(1, q + 1), (v, k) => v / norms[k]), iterations: result.iterations[1] };
}

/** x - A'(AA')^-1 (Ax - b): the nearest point to x on the active rows; undefined when they are dependent. */
function project(x: Float64Array, rows: Float64Array[], rhs: number[]): Float64Array | undefined {
  const k = rows.length;
  if (k === 0) return x;
  const gram = new Float64Array(k * k);
  const gap = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) gram[a * k + b] = dot(rows[a], rows[b]);
    gap[a] = dot(rows[a], x) - rhs[a];
  }
  const lambda = solve(gram, gap, k);
  if (!lambda) return undefined;
  const y = Float64Array.from(x);
  for (let a = 0; a < k; a++) for (let i = 0; i < y.length; i++) y[i] -= lambda[a] * rows[a][i];
  return y;
}
