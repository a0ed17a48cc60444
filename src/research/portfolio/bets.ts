/**
 * Effective number of bets (Meucci 2009, "Managing Diversification", Risk 22(5)): the covariance's
 * principal components are uncorrelated bets; a portfolio w holds exposures v = E'w to them (E the
 * eigenvectors of Sigma), bet k carries the share p_k = v_k^2 lambda_k / w'Sigma w of the variance, and
 * ENB = exp(-sum p_k ln p_k), from 1 (all risk in one bet) to n (risk spread evenly over n bets).
 */

/** Eigenvalues and eigenvectors of a symmetric n x n matrix (row-major) by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p and q of A, then rows p and q: A <- J'AJ
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

/**
 * Meucci's effective number of bets of weights w under covariance cov (n x n, row-major). NaN when the
 * portfolio has no variance. Tiny negative eigenvalues from rounding count as 0.
 */
export function effectiveNumberOfBets(weights: Float64Array, cov: Float64Array): number {
  const n = weights.length;
  const { values, vectors } = symmetricEigen(cov, n);
  const shares = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    let exposure = 0;
    for (let i = 0; i < n; i++) exposure += vectors[i * n + k] * weights[i];
    shares[k] = exposure * exposure * Math.max(0, values[k]);
    total += shares[k];
  }
  if (!(total > 0)) return NaN;
  let entropy = 0;
  for (let k = 0; k < n; k++) {
    const p = shares[k] / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}
