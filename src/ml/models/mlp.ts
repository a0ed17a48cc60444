/**
 * A small multilayer perceptron: dense layers with ReLU between them, a sigmoid output for classification
 * and a linear one for regression. Trained with Adam on shuffled minibatches from a seeded generator, so
 * the same data and seed give the same weights. A regression target is standardised while training and
 * the scale folded back into the last layer.
 */
import { mulberry32 } from '../../data/synthetic.js';
import type { DenseLayer, Design, MlpParams, Task } from './types.js';

export interface MlpOptions {
  hidden?: readonly number[];
  epochs?: number;
  batch?: number;
  learningRate?: number;
  seed?: number;
}

export function trainMlp(data: Design, y: ArrayLike<number>, task: Task, options: MlpOptions = {}): MlpParams {
  const { x, rows, features } = data;
  const hidden = options.hidden ?? [16, 8];
  const epochs = options.epochs ?? 20;
  const batch = options.batch ?? 64;
  const lr = options.learningRate ?? 1e-3;
  const rand = mulberry32(options.seed ?? 1);
  const sizes = [features, ...hidden, 1];
  let ym = 0;
  let ys = 1;
  if (task === 'regression') {
    for (let i = 0; i < rows; i++) ym += y[i];
    ym /= rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (y[i] - ym) ** 2;
    ys = Math.sqrt(v / rows) || 1;
  }
  const target = (i: number) => (task === 'classification' ? (y[i] > 0 ? 1 : 0) : (y[i] - ym) / ys);
  // He initialisation from the seeded generator (Box-Muller).
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const W = sizes.slice(1).map((out, l) => Float64Array.from({ length: sizes[l] * out }, () => gauss() * Math.sqrt(2 / sizes[l])));
  const B = sizes.slice(1).map((out) => new Float64Array(out));
  const params = [...W, ...B];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const gW = W.map((w) => new Float64Array(w.length));
  const gB = B.map((b) => new Float64Array(b.length));
  const grads = [...gW, ...gB];
  const acts = sizes.map((s) => new Float64Array(s));
  const deltas = sizes.map((s) => new Float64Array(s));
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  const L = W.length;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let start = 0; start < rows; start += batch) {
      const end = Math.min(rows, start + batch);
      for (const g of grads) g.fill(0);
      for (let k = start; k < end; k++) {
        const r = order[k];
        for (let j = 0; j < features; j++) acts[0][j] = x[r * features + j];
        for (let l = 0; l < L; l++) forwardLayer(acts[l], acts[l + 1], W[l], B[l], sizes[l], sizes[l + 1], l < L - 1);
        const out = acts[L][0];
        // BCE through a sigmoid and MSE through a linear output share the same delta: prediction - target.
        deltas[L][0] = (task === 'classification' ? 1 / (1 + Math.exp(-out)) : out) - target(r);
        for (let l = L - 1; l >= 0; l--) {
          const nin = sizes[l];
          const nout = sizes[l + 1];
          const w = W[l];
          const gw = gW[l];
          for (let o = 0; o < nout; o++) gB[l][o] += deltas[l + 1][o];
          for (let a = 0; a < nin; a++) {
            const ai = acts[l][a];
            let back = 0;
            for (let o = 0; o < nout; o++) {
              gw[a * nout + o] += ai * deltas[l + 1][o];
              back += w[a * nout + o] * deltas[l + 1][o];
            }
            deltas[l][a] = l > 0 && ai <= 0 ? 0 : back;
          }
        }
      }
      step++;
      const scale = 1 / (end - start);
      const c1 = 1 - 0.9 ** step;
      const c2 = 1 - 0.999 ** step;
      for (let p = 0; p < params.length; p++) {
        const w = params[p];
        const g = grads[p];
        for (let q = 0; q < w.length; q++) {
          const gq = g[q] * scale;
          m[p][q] = 0.9 * m[p][q] + 0.1 * gq;
          v[p][q] = 0.999 * v[p][q] + 0.001 * gq * gq;
          w[q] -= (lr * (m[p][q] / c1)) / (Math.sqrt(v[p][q] / c2) + 1e-8);
        }
      }
    }
  }
  const layers: DenseLayer[] = W.map((w, l) => ({ inputs: sizes[l], outputs: sizes[l + 1], weights: Array.from(w), bias: Array.from(B[l]) }));
  if (task === 'regression') {
    const last = layers[L - 1];
    layers[L - 1] = { ...last, weights: last.weights.map((w) => w * ys), bias: last.bias.map((b) => b * ys + ym) };
  }
  return { kind: 'mlp', layers };
}

function forwardLayer(input: Float64Array, output: Float64Array, w: ArrayLike<number>, b: ArrayLike<number>, nin: number, nout: number, relu: boolean): void {
  for (let o = 0; o < nout; o++) output[o] = b[o];
  for (let a = 0; a < nin; a++) {
    const ai = input[a];
    if (ai === 0) continue;
    for (let o = 0; o < nout; o++) output[o] += ai * w[a * nout + o];
  }
  if (relu) for (let o = 0; o < nout; o++) if (output[o] < 0) output[o] = 0;
}

export function mlpScore(params: MlpParams, task: Task, x: ArrayLike<number>, rows: number, f: number): Float64Array {
  const out = new Float64Array(rows);
  const sizes = [f, ...params.layers.map((l) => l.outputs)];
  const acts = sizes.map((s) => new Float64Array(s));
  const L = params.layers.length;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < f; j++) acts[0][j] = x[i * f + j];
    params.layers.forEach((layer, l) => forwardLayer(acts[l], acts[l + 1], layer.weights, layer.bias, layer.inputs, layer.outputs, l < L - 1));
    const z = acts[L][0];
    out[i] = task === 'classification' ? 1 / (1 + Math.exp(-z)) : z;
  }
  return out;
}
