/**
 * Gradient-boosted regression trees (Friedman 2001) on histogram bins: squared loss for regression, logistic
 * loss with Newton leaf values for classification. Split candidates are each feature's quantiles over the
 * training rows, rounded to float32 so that an exported TreeEnsemble (float thresholds) splits identically.
 * Deterministic: no sampling.
 */
import type { Design, GbdtParams, Task, Tree } from './types.js';

export interface GbdtOptions {
  trees?: number;
  depth?: number;
  learningRate?: number;
  bins?: number;
  minLeaf?: number;
}

export function trainGbdt(data: Design, y: ArrayLike<number>, task: Task, options: GbdtOptions = {}): GbdtParams {
  const { x, rows, features: f } = data;
  const nTrees = options.trees ?? 50;
  const depth = options.depth ?? 3;
  const lr = options.learningRate ?? 0.1;
  const nBins = options.bins ?? 32;
  const minLeaf = options.minLeaf ?? 20;
  const target = Float64Array.from({ length: rows }, (_, i) => (task === 'classification' ? (y[i] > 0 ? 1 : 0) : y[i]));
  // Thresholds per feature, and each row's bin: bin b holds values in (edge[b-1], edge[b]].
  const edges: Float64Array[] = [];
  const bin = new Uint8Array(rows * f);
  for (let j = 0; j < f; j++) {
    const col = Float64Array.from({ length: rows }, (_, i) => x[i * f + j]).sort();
    const cuts = new Set<number>();
    for (let b = 1; b < nBins; b++) cuts.add(Math.fround(col[Math.min(rows - 1, Math.floor((b * rows) / nBins))]));
    const e = Float64Array.from([...cuts].sort((a, b) => a - b));
    edges.push(e);
    for (let i = 0; i < rows; i++) {
      const v = x[i * f + j];
      let lo = 0;
      let hi = e.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (v <= e[mid]) hi = mid;
        else lo = mid + 1;
      }
      bin[i * f + j] = lo;
    }
  }
  let mean = 0;
  for (let i = 0; i < rows; i++) mean += target[i];
  mean /= rows;
  const base = task === 'classification' ? Math.log(Math.max(mean, 1e-9) / Math.max(1 - mean, 1e-9)) : mean;
  const score = new Float64Array(rows).fill(base);
  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const trees: Tree[] = [];
  for (let t = 0; t < nTrees; t++) {
    for (let i = 0; i < rows; i++) {
      if (task === 'classification') {
        const p = 1 / (1 + Math.exp(-score[i]));
        grad[i] = p - target[i];
        hess[i] = Math.max(p * (1 - p), 1e-12);
      } else {
        grad[i] = score[i] - target[i];
        hess[i] = 1;
      }
    }
    const tree: { feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] } = { feature: [], threshold: [], left: [], right: [], value: [] };
    const grow = (members: Uint32Array, level: number): number => {
      const id = tree.feature.length;
      tree.feature.push(-1), tree.threshold.push(0), tree.left.push(-1), tree.right.push(-1), tree.value.push(0);
      let G = 0;
      let H = 0;
      for (const i of members) (G += grad[i]), (H += hess[i]);
      const leafValue = (-G / (H + 1e-6)) * lr;
      let best = { gain: 1e-12, feature: -1, bin: -1 };
      if (level < depth && members.length >= 2 * minLeaf) {
        const hg = new Float64Array(nBins + 1);
        const hh = new Float64Array(nBins + 1);
        const hc = new Uint32Array(nBins + 1);
        for (let j = 0; j < f; j++) {
          hg.fill(0), hh.fill(0), hc.fill(0);
          for (const i of members) {
            const b = bin[i * f + j];
            hg[b] += grad[i];
            hh[b] += hess[i];
            hc[b]++;
          }
          let gl = 0;
          let hl = 0;
          let cl = 0;
          for (let b = 0; b < edges[j].length; b++) {
            gl += hg[b];
            hl += hh[b];
            cl += hc[b];
            const cr = members.length - cl;
            if (cl < minLeaf || cr < minLeaf) continue;
            const gr = G - gl;
            const hr = H - hl;
            const gain = (gl * gl) / (hl + 1e-6) + (gr * gr) / (hr + 1e-6) - (G * G) / (H + 1e-6);
            if (gain > best.gain) best = { gain, feature: j, bin: b };
          }
        }
      }
      if (best.feature < 0) {
        // float32 leaves: an exported TreeEnsemble stores float weights, and both sides then add the same numbers.
      tree.value[id] = Math.fround(leafValue);
        return id;
      }
      const j = best.feature;
      const leftRows = members.filter((i) => bin[i * f + j] <= best.bin);
      const rightRows = members.filter((i) => bin[i * f + j] > best.bin);
      tree.feature[id] = j;
      tree.threshold[id] = edges[j][best.bin];
      tree.left[id] = grow(leftRows, level + 1);
      tree.right[id] = grow(rightRows, level + 1);
      return id;
    };
    grow(Uint32Array.from({ length: rows }, (_, i) => i), 0);
    trees.push(tree);
    for (let i = 0; i < rows; i++) score[i] += treeValue(tree, x, i * f);
  }
  return { kind: 'gbdt', base, trees };
}

export function treeValue(tree: Tree, x: ArrayLike<number>, offset: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) node = x[offset + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}

export function gbdtScore(params: GbdtParams, task: Task, x: ArrayLike<number>, rows: number, f: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = params.base;
    for (const tree of params.trees) s += treeValue(tree, x, i * f);
    out[i] = task === 'classification' ? 1 / (1 + Math.exp(-s)) : s;
  }
  return out;
}
