/**
 * Small dense linear algebra for the optimizers: n x n matrices row-major in one Float64Array, n in the
 * hundreds at most, so plain O(n^3) loops are fast enough and need no dependency.
 */

/** Lower-triangular L with A = L L', or undefined when A is not (numerically) positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    // Relative test: a pivot lost to rounding against the diagonal's size means a singular matrix.
    if (!(d > 1e-13 * Math.abs(a[j * n + j])) || !(d > 0)) return undefined;
    const root = Math.sqrt(d);
    l[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / root;
    }
  }
  return l;
}

/** Solves L L' x = b given the Cholesky factor L. */
export function choleskySolve(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Solves A x = b by Gaussian elimination with partial pivoting; undefined when A is singular. */
export function solve(a: Float64Array, b: Float64Array, n: number): Float64Array | undefined {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) pivot = r;
    if (!(Math.abs(m[pivot * n + col]) > 1e-13 * scale)) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [m[col * n + k], m[pivot * n + k]] = [m[pivot * n + k], m[col * n + k]];
      [x[col], x[pivot]] = [x[pivot], x[col]];
    }
    const p = m[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col] / p;
      if (f === 0) continue;
      for (let k = col; k < n; k++) m[r * n + k] -= f * m[col * n + k];
      x[r] -= f * x[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= m[r * n + k] * x[k];
    x[r] = s / m[r * n + r];
  }
  return x;
}

/** A^-1 (A square, n x n); undefined when A is singular. */
export function inverse(a: Float64Array, n: number): Float64Array | undefined {
  const out = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = solve(a, e, n);
    if (!col) return undefined;
    for (let i = 0; i < n; i++) out[i * n + j] = col[i];
  }
  return out;
}

/** A x for A with `rows` rows of length x.length. */
export function matVec(a: Float64Array, x: Float64Array, rows = x.length): Float64Array {
  const n = x.length;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k] * x[k];
    out[i] = s;
  }
  return out;
}

/** A B for A (r x k) and B (k x c). */
export function matMul(a: Float64Array, b: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++)
    for (let t = 0; t < k; t++) {
      const v = a[i * k + t];
      if (v === 0) continue;
      for (let j = 0; j < c; j++) out[i * c + j] += v * b[t * c + j];
    }
  return out;
}

/** A' for A (r x c). */
export function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** x' A x. */
export function quadForm(a: Float64Array, x: Float64Array): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let k = 0; k < n; k++) row += a[i * n + k] * x[k];
    s += x[i] * row;
  }
  return s;
}

export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
