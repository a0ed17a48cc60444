/**
 * Hierarchical risk parity (Lopez de Prado 2016, "Building diversified portfolios that outperform out of
 * sample"), as in the paper's code:
 * 1. correlation distance d_ij = sqrt((1 - rho_ij) / 2), then the Euclidean distance between columns of d,
 *    d~_ij = sqrt(sum_k (d_ki - d_kj)^2) (the paper passes the matrix d to scipy's linkage, which treats its
 *    rows as observations);
 * 2. single linkage on d~, children ordered as scipy's linkage does (lower cluster id first);
 * 3. quasi-diagonalisation: the leaves in tree order;
 * 4. recursive bisection of that order into halves, splitting weight by the inverse-variance portfolio
 *    variances V of the halves: alpha = 1 - V_left / (V_left + V_right) to the left.
 */
import { correlationFromCovariance } from './covariance.js';

export interface HrpResult {
  weights: Float64Array;
  /** Asset indices in quasi-diagonal order. */
  order: number[];
  /** scipy-style linkage rows: [child a, child b, distance, size]. */
  linkage: [number, number, number, number][];
}

export function hierarchicalRiskParity(cov: Float64Array, n: number): HrpResult {
  const rho = correlationFromCovariance(cov, n);
  const d = Float64Array.from(rho, (r) => Math.sqrt(Math.min(1, Math.max(0, (1 - r) / 2))));
  const dd = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (d[k * n + i] - d[k * n + j]) ** 2;
      dd[i * n + j] = dd[j * n + i] = Math.sqrt(s);
    }
  const linkage = singleLinkage(dd, n);
  const order = leaves(linkage, n);
  const weights = new Float64Array(n).fill(1);
  const clusterVariance = (items: number[]) => {
    // The inverse-variance portfolio of the cluster and its variance.
    let total = 0;
    for (const i of items) total += 1 / cov[i * n + i];
    let v = 0;
    for (const i of items) for (const j of items) v += (cov[i * n + j] / (cov[i * n + i] * cov[j * n + j])) / (total * total);
    return v;
  };
  const stack: number[][] = [order];
  while (stack.length > 0) {
    const items = stack.pop()!;
    if (items.length < 2) continue;
    const half = Math.floor(items.length / 2);
    const left = items.slice(0, half);
    const right = items.slice(half);
    const vl = clusterVariance(left);
    const vr = clusterVariance(right);
    const alpha = 1 - vl / (vl + vr);
    for (const i of left) weights[i] *= alpha;
    for (const i of right) weights[i] *= 1 - alpha;
    stack.push(left, right);
  }
  return { weights, order, linkage };
}

/** Agglomerative single linkage, O(n^3) with the Lance-Williams update d(a+b, c) = min(d(a, c), d(b, c)). */
function singleLinkage(dist: Float64Array, n: number): [number, number, number, number][] {
  // Slot i holds cluster id[i] (an original asset or n + step) while alive[i].
  const d = Float64Array.from(dist);
  const id = Array.from({ length: n }, (_, i) => i);
  const size = new Array<number>(n).fill(1);
  const alive = new Array<boolean>(n).fill(true);
  const rows: [number, number, number, number][] = [];
  for (let step = 0; step < n - 1; step++) {
    let best = Infinity;
    let pa = -1;
    let pb = -1;
    for (let x = 0; x < n; x++) {
      if (!alive[x]) continue;
      for (let y = x + 1; y < n; y++) {
        if (!alive[y]) continue;
        const v = d[x * n + y];
        // Ties go to the pair of lowest cluster ids, as in scipy.
        if (v < best || (v === best && Math.min(id[x], id[y]) < Math.min(id[pa], id[pb]))) {
          best = v;
          pa = x;
          pb = y;
        }
      }
    }
    const [a, b] = id[pa] < id[pb] ? [pa, pb] : [pb, pa];
    rows.push([id[a], id[b], best, size[a] + size[b]]);
    for (let c = 0; c < n; c++) {
      if (!alive[c] || c === a || c === b) continue;
      const v = Math.min(d[a * n + c], d[b * n + c]);
      d[a * n + c] = d[c * n + a] = v;
    }
    alive[b] = false;
    id[a] = n + step;
    size[a] += size[b];
  }
  return rows;
}

function leaves(linkage: [number, number, number, number][], n: number): number[] {
  if (n === 1) return [0];
  const out: number[] = [];
  const visit = (id: number) => {
    if (id < n) out.push(id);
    else {
      visit(linkage[id - n][0]);
      visit(linkage[id - n][1]);
    }
  };
  visit(n + linkage.length - 1);
  return out;
}
