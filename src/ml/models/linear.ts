/**
 * Logistic regression (Newton / IRLS with a small L2 penalty, the intercept unpenalised) and ridge
 * regression (closed form: (X'X + lambda I) w = X'y on centred data).
 */
import type { Design, LinearParams } from './types.js';

/** Solves A x = b for symmetric positive definite A (n x n, row-major) by Cholesky; A is overwritten. */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) d = 1e-12;
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * n + k] * y[k];
    y[i] = s / a[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= a[k * n + i] * x[k];
    x[i] = s / a[i * n + i];
  }
  return x;
}

export function trainRidge(data: Design, y: ArrayLike<number>, lambda = 1): LinearParams {
  const { x, rows, features: f } = data;
  const mx = new Float64Array(f);
  let my = 0;
  for (let i = 0; i < rows; i++) {
    my += y[i];
    for (let j = 0; j < f; j++) mx[j] += x[i * f + j];
  }
  my /= rows;
  for (let j = 0; j < f; j++) mx[j] /= rows;
  const a = new Float64Array(f * f);
  const b = new Float64Array(f);
  const row = new Float64Array(f);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < f; j++) row[j] = x[i * f + j] - mx[j];
    const yi = y[i] - my;
    for (let j = 0; j < f; j++) {
      const rj = row[j];
      b[j] += rj * yi;
      for (let k = 0; k <= j; k++) a[j * f + k] += rj * row[k];
    }
  }
  for (let j = 0; j < f; j++) {
    a[j * f + j] += lambda;
    for (let k = 0; k < j; k++) a[k * f + j] = a[j * f + k];
  }
  const w = choleskySolve(a, b, f);
  let bias = my;
  for (let j = 0; j < f; j++) bias -= w[j] * mx[j];
  return { kind: 'ridge', weights: Array.from(w), bias };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Labels > 0 are the positive class. Stops when the Newton step is below `tolerance` or after `iterations`. */
export function trainLogistic(data: Design, y: ArrayLike<number>, options: { l2?: number; iterations?: number; tolerance?: number } = {}): LinearParams {
  const { x, rows, features: f } = data;
  const l2 = options.l2 ?? 1e-4 * rows;
  const iterations = options.iterations ?? 50;
  const tolerance = options.tolerance ?? 1e-10;
  const p = f + 1; // the intercept is coefficient f
  const w = new Float64Array(p);
  // Newton converges quadratically from a good start: on a large set, start from the fit on an evenly
  // strided tenth (same penalty per row), so the full data needs two or three steps instead of seven or eight.
  if (rows >= 200_000 && options.iterations === undefined) {
    const stride = 10;
    const sub = Math.floor(rows / stride);
    const xs = new Float64Array(sub * f);
    const ys = new Float64Array(sub);
    for (let r = 0; r < sub; r++) {
      xs.set(x.subarray(r * stride * f, r * stride * f + f), r * f);
      ys[r] = y[r * stride];
    }
    const start = trainLogistic({ x: xs, rows: sub, features: f }, ys, { l2: l2 / stride, tolerance: 1e-6 });
    w.set(start.weights);
    w[f] = start.bias;
  }
  // On a large set the Hessian is taken from every 10th row (scaled up) and the gradient from all rows: the
  // optimum is the full data's (where the gradient vanishes), reached at a linear rate of about sqrt(f / rows
  // sampled) per step, and each step costs a tenth of a full Newton step.
  const hStride = rows >= 200_000 && options.iterations === undefined ? 10 : 1;
  const h = new Float64Array(p * p);
  const g = new Float64Array(p);
  for (let it = 0; it < iterations; it++) {
    h.fill(0);
    g.fill(0);
    for (let i = 0, next = 0; i < rows; i++) {
      const o = i * f;
      let z = w[f];
      for (let j = 0; j < f; j++) z += w[j] * x[o + j];
      const mu = sigmoid(z);
      const r = (y[i] > 0 ? 1 : 0) - mu;
      for (let j = 0; j < f; j++) g[j] += r * x[o + j];
      g[f] += r;
      if (i !== next) continue;
      next += hStride;
      const s = mu * (1 - mu) * hStride;
      for (let j = 0; j < f; j++) {
        const sx = s * x[o + j];
        const hr = j * p;
        for (let k = 0; k <= j; k++) h[hr + k] += sx * x[o + k];
        h[hr + f] += sx;
      }
      h[f * p + f] += s;
    }
    for (let j = 0; j < f; j++) {
      g[j] -= l2 * w[j];
      h[j * p + j] += l2;
      h[f * p + j] = h[j * p + f];
      for (let k = 0; k < j; k++) h[k * p + j] = h[j * p + k];
    }
    const step = choleskySolve(h, g, p);
    let size = 0;
    for (let j = 0; j < p; j++) (w[j] += step[j]), (size = Math.max(size, Math.abs(step[j])));
    if (size < tolerance) break;
  }
  return { kind: 'logistic', weights: Array.from(w.subarray(0, f)), bias: w[f] };
}

export function linearScore(params: LinearParams, x: ArrayLike<number>, rows: number, f: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = params.bias;
    for (let j = 0; j < f; j++) z += params.weights[j] * x[i * f + j];
    out[i] = params.kind === 'logistic' ? sigmoid(z) : z;
  }
  return out;
}
