/**
 * Equal risk contribution (risk parity), long-only, by Spinu's (2013, "An algorithm for computing risk
 * parity weights") convex formulation: y = argmin 1/2 y'Sy - sum_i b_i log y_i over y > 0 has
 * y_i (Sy)_i = b_i, so w = y / sum y gives each asset the risk budget b_i (here 1/n). Newton's method with
 * a backtracking line search that keeps y > 0; the objective is strictly convex, so it converges from any
 * positive start (we start at inverse volatility, the answer when correlations are equal).
 */
import { choleskySolve, cholesky } from './linalg.js';

export function riskParity(cov: Float64Array, n: number, budgets?: Float64Array): { weights: Float64Array; iterations: number } {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += cov[i * n + i];
  const s = Float64Array.from(cov, (v) => (v * n) / trace);
  const b = budgets ?? new Float64Array(n).fill(1 / n);
  let y = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(s[i * n + i]));
  const objective = (v: Float64Array) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let k = 0; k < n; k++) row += s[i * n + k] * v[k];
      f += 0.5 * v[i] * row - b[i] * Math.log(v[i]);
    }
    return f;
  };
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    const grad = new Float64Array(n);
    const hess = Float64Array.from(s);
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let k = 0; k < n; k++) row += s[i * n + k] * y[k];
      grad[i] = row - b[i] / y[i];
      hess[i * n + i] += b[i] / (y[i] * y[i]);
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(grad[i] * y[i]));
    if (norm < 1e-15) break;
    const l = cholesky(hess, n)!;
    const step = choleskySolve(l, grad, n);
    let t = 1;
    for (let i = 0; i < n; i++) if (step[i] > 0) t = Math.min(t, (0.99 * y[i]) / step[i]);
    const f0 = objective(y);
    let slope = 0;
    for (let i = 0; i < n; i++) slope -= grad[i] * step[i];
    let next = y.map((v, i) => v - t * step[i]);
    // Inside the quadratic-convergence region (Newton decrement below 1e-10) take the step as it is: the
    // objective's rounding there is larger than the decrease a line search would look for.
    while (-slope > 1e-10 && objective(next) > f0 + 1e-4 * t * slope && t > 1e-12) {
      t /= 2;
      next = y.map((v, i) => v - t * step[i]);
    }
    y = next;
  }
  let total = 0;
  for (const v of y) total += v;
  return { weights: y.map((v) => v / total), iterations };
}
