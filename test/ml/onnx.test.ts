import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import { trainModel, scoreModel, MODEL_KINDS } from '../../src/ml/models/index.js';
import { exportOnnx } from '../../src/ml/onnx/export.js';
import { decodeModel, encodeModel, ElemType } from '../../src/ml/onnx/proto.js';
import { ONNX_PROTO_TEXT } from '../../src/ml/onnx/onnx-proto-text.js';
import { checkModelFeatures, openSession, readModelInfo } from '../../src/ml/inference.js';

const dir = mkdtempSync(join(tmpdir(), 'rrr-onnx-'));
const NAMES = ['ret:1', 'ret:5', 'vol:20', 'rsi:14', 'zscore:20'];

function data(rows: number, seed: number) {
  const rand = mulberry32(seed);
  const f = NAMES.length;
  // Raw features on different scales and offsets, so the graph's normalisation matters.
  const x = Float64Array.from({ length: rows * f }, (_, k) => (rand() - 0.5) * (1 + (k % f)) + (k % f) * 3);
  const y = Float64Array.from({ length: rows }, (_, i) => (x[i * f] - 0) * 0.8 - (x[i * f + 1] - 3) * 0.5 + Math.sin(3 * x[i * f + 2]) + (rand() - 0.5));
  const columns = NAMES.map((_, j) => Float64Array.from({ length: rows }, (_, i) => x[i * f + j]));
  return { x, y, columns, f };
}

describe('the vendored onnx.proto', () => {
  it('is embedded verbatim (the string the writer parses is the file in the repo)', () => {
    expect(ONNX_PROTO_TEXT).toBe(readFileSync(new URL('../../src/ml/onnx/onnx.proto', import.meta.url), 'utf8'));
    expect(ONNX_PROTO_TEXT).toMatch(/Licensed under the Apache License/);
    expect(ONNX_PROTO_TEXT).toMatch(/message ModelProto/);
  });
});

describe('exported models agree with rrr to 1e-6 when run by onnxruntime', () => {
  const train = data(1500, 1);
  const test = data(700, 2);
  for (const kind of MODEL_KINDS) {
    it(kind, async () => {
      const model = trainModel(kind, train.x, train.y, 1500, train.f, { seed: 3, mlp: { epochs: 5 } });
      const path = join(dir, `${kind}.onnx`);
      writeFileSync(path, exportOnnx(model, NAMES, { 'rrr.createdAt': '2026-01-01T00:00:00.000Z' }));
      const mine = scoreModel(model, test.x, 700, test.f);
      const session = await openSession(path);
      try {
        const theirs = await session.predict(test.columns);
        let worst = 0;
        for (let i = 0; i < 700; i++) worst = Math.max(worst, Math.abs(theirs[i] - mine[i]));
        expect(worst).toBeLessThan(1e-6);
        // Not a constant model: the comparison means something.
        expect(Math.max(...mine) - Math.min(...mine)).toBeGreaterThan(0.05);
      } finally {
        await session.close();
      }
      const info = readModelInfo(path);
      expect(info.metadata['rrr.model']).toBe(kind);
      expect(JSON.parse(info.metadata['rrr.features'])).toEqual(NAMES);
      expect(info.decoded.inputs[0]).toEqual({ name: 'features', elemType: ElemType.DOUBLE, dims: ['batch', 5] });
    });
  }

  it('rows with NaN inputs (warm-up) get NaN and the rest keep their place', async () => {
    const model = trainModel('logistic', train.x, train.y, 1500, train.f);
    const path = join(dir, 'nan.onnx');
    writeFileSync(path, exportOnnx(model, NAMES));
    const columns = test.columns.map((c) => c.slice(0, 10));
    columns[2][0] = NaN;
    columns[4][3] = NaN;
    const session = await openSession(path);
    const p = await session.predict(columns);
    await session.close();
    const mine = scoreModel(model, test.x.subarray(0, 50), 10, 5);
    expect(p[0]).toBeNaN();
    expect(p[3]).toBeNaN();
    expect(p[5]).toBeCloseTo(mine[5], 12);
  });
});

describe('inputs over several runs of the model (65,536 rows per run)', () => {
  const n = 140_000;
  const rand = mulberry32(21);
  // NaN bars scattered and around the first run's end, so windows and usable rows straddle it.
  const holes = new Set([0, 1, 9_973, 65_530, 65_537, 65_539, 70_001, 131_072, n - 1]);
  const columns = [0, 1].map(() => Float64Array.from({ length: n }, (_, t) => (holes.has(t) ? NaN : Math.round(rand() * 1000) / 8)));

  it('a window model: each bar gets its own window, hand-computed; bars whose window holds a NaN get NaN', async () => {
    const W = 3;
    // Flatten [batch, 3, 2] then a weight per position: a window out of order or shifted gives another sum.
    const weights = [1, 10, 100, 1_000, 10_000, 100_000];
    const path = join(dir, 'window-sum.onnx');
    writeFileSync(
      path,
      encodeModel({
        graph: {
          name: 'window-sum',
          nodes: [
            { op: 'Flatten', inputs: ['seq'], outputs: ['flat'], attributes: { axis: { int: 1 } } },
            { op: 'MatMul', inputs: ['flat', 'w'], outputs: ['out'] },
          ],
          initializers: [{ name: 'w', dims: [W * 2, 1], values: Float64Array.from(weights) }],
          inputs: [{ name: 'seq', elemType: ElemType.DOUBLE, dims: ['batch', W, 2] }],
          outputs: [{ name: 'out', elemType: ElemType.DOUBLE, dims: ['batch', 1] }],
        },
        opsets: { '': 17 },
      }),
    );
    const session = await openSession(path);
    const p = await session.predict(columns);
    await session.close();
    let usable = 0;
    for (let t = 0; t < n; t++) {
      const bars = [t - 2, t - 1, t];
      if (t < W - 1 || bars.some((s) => holes.has(s))) {
        expect(p[t], `bar ${t}`).toBeNaN();
        continue;
      }
      usable++;
      const expected = bars.reduce((sum, s, k) => sum + weights[2 * k] * columns[0][s] + weights[2 * k + 1] * columns[1][s], 0);
      if (p[t] !== expected) expect(p[t], `bar ${t}`).toBe(expected);
    }
    expect(usable).toBeGreaterThan(2 * 65_536);
  });

  it('a row model: rrr scores every usable bar the same; calls at once on one session do not mix', async () => {
    const train = data(1500, 1);
    const model = trainModel('logistic', train.x.filter((_, k) => k % 5 < 2), train.y, 1500, 2);
    const path = join(dir, 'rows.onnx');
    writeFileSync(path, exportOnnx(model, NAMES.slice(0, 2)));
    const session = await openSession(path);
    // Inside the training ranges (feature 0 around 0, feature 1 around 3), so predictions spread over (0, 1).
    const rowsIn = [Float64Array.from(columns[0], (v) => v / 125 - 0.5), Float64Array.from(columns[1], (v) => 2 + v / 62.5)];
    const mirrored = [Float64Array.from(columns[0], (v) => 0.5 - v / 125), Float64Array.from(columns[1], (v) => 4 - v / 62.5)];
    const [p, q] = await Promise.all([session.predict(rowsIn), session.predict(mirrored)]);
    await session.close();
    for (const [input, out] of [
      [rowsIn, p],
      [mirrored, q],
    ] as const) {
      const x = new Float64Array(n * 2);
      for (let t = 0; t < n; t++) (x[2 * t] = input[0][t]), (x[2 * t + 1] = input[1][t]);
      const mine = scoreModel(model, x, n, 2);
      for (let t = 0; t < n; t++) {
        if (holes.has(t)) expect(out[t], `bar ${t}`).toBeNaN();
        else if (Math.abs(out[t] - mine[t]) > 1e-12) expect(out[t], `bar ${t}`).toBeCloseTo(mine[t], 12);
      }
      const spread = mine.filter((v) => v > 0.1 && v < 0.9).length;
      expect(spread).toBeGreaterThan(n / 4);
    }
  });
});

describe('a sequence model [batch, window, features]: a tiny ONNX LSTM against a hand-written forward pass', () => {
  const H = 3;
  const F = 2;
  const W = 4;
  const rand = mulberry32(11);
  const r = (n: number) => Array.from({ length: n }, () => Math.fround((rand() - 0.5) * 1.2));
  const Wx = r(4 * H * F); // gates i, o, f, c (ONNX order), each H rows of F
  const Rh = r(4 * H * H);
  const B = r(8 * H); // Wb then Rb
  const head = r(H);
  const headBias = r(1);
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

  function handForward(window: number[][]): number {
    let h = new Array<number>(H).fill(0);
    let c = new Array<number>(H).fill(0);
    for (const x of window) {
      const gate = (g: number, k: number) => {
        let s = B[g * H + k] + B[4 * H + g * H + k];
        for (let j = 0; j < F; j++) s += Wx[(g * H + k) * F + j] * x[j];
        for (let j = 0; j < H; j++) s += Rh[(g * H + k) * H + j] * h[j];
        return s;
      };
      const i = h.map((_, k) => sigmoid(gate(0, k)));
      const o = h.map((_, k) => sigmoid(gate(1, k)));
      const f = h.map((_, k) => sigmoid(gate(2, k)));
      const g = h.map((_, k) => Math.tanh(gate(3, k)));
      c = c.map((cv, k) => f[k] * cv + i[k] * g[k]);
      h = c.map((cv, k) => o[k] * Math.tanh(cv));
    }
    return h.reduce((s, v, k) => s + v * head[k], headBias[0]);
  }

  it('runs through rrr inference with windows ending at each bar, matching the hand pass to 1e-5 (float32)', async () => {
    const path = join(dir, 'lstm.onnx');
    const f32 = (name: string, dims: number[], values: number[]) => ({ name, dims, values: Float32Array.from(values) });
    writeFileSync(
      path,
      encodeModel({
        graph: {
          name: 'tiny-lstm',
          nodes: [
            // As PyTorch exports a batch_first LSTM: to [window, batch, features], LSTM, last hidden state [1, batch, H] to [batch, H].
            { op: 'Transpose', inputs: ['seq'], outputs: ['seq_t'], attributes: { perm: [1, 0, 2] } },
            { op: 'LSTM', inputs: ['seq_t', 'W', 'R', 'B'], outputs: ['', 'h_last'], attributes: { hidden_size: { int: H } } },
            { op: 'Transpose', inputs: ['h_last'], outputs: ['h_b'], attributes: { perm: [1, 0, 2] } },
            { op: 'Flatten', inputs: ['h_b'], outputs: ['h_flat'], attributes: { axis: { int: 1 } } },
            { op: 'MatMul', inputs: ['h_flat', 'head'], outputs: ['mm'] },
            { op: 'Add', inputs: ['mm', 'head_bias'], outputs: ['out'] },
          ],
          initializers: [f32('W', [1, 4 * H, F], Wx), f32('R', [1, 4 * H, H], Rh), f32('B', [1, 8 * H], B), f32('head', [H, 1], head), f32('head_bias', [1], headBias)],
          inputs: [{ name: 'seq', elemType: ElemType.FLOAT, dims: ['batch', W, F] }],
          outputs: [{ name: 'out', elemType: ElemType.FLOAT, dims: ['batch', 1] }],
        },
        opsets: { '': 17 },
        metadata: { 'rrr.features': JSON.stringify(['ret:1', 'rsi:14']) },
      }),
    );
    const n = 12;
    const columns = [Float64Array.from(r(n).map((v) => Math.fround(v * 2))), Float64Array.from(r(n).map((v) => Math.fround(v)))];
    columns[0][6] = NaN; // windows containing bar 6 (bars 6..9) cannot run
    const session = await openSession(path);
    expect(session.info.window).toBe(W);
    checkModelFeatures(session.info, ['ret:1', 'rsi:14']);
    const p = await session.predict(columns);
    await session.close();
    for (let t = 0; t < n; t++) {
      if (t < W - 1 || (t >= 6 && t <= 6 + W - 1)) {
        expect(p[t], `bar ${t}`).toBeNaN();
        continue;
      }
      const window = Array.from({ length: W }, (_, s) => [columns[0][t - W + 1 + s], columns[1][t - W + 1 + s]]);
      expect(Math.abs(p[t] - handForward(window)), `bar ${t}`).toBeLessThan(1e-5);
    }
    expect(p.filter((v) => !Number.isNaN(v)).length).toBe(n - (W - 1) - W);
  });
});

describe('bad model files: one sentence', () => {
  const model = trainModel('ridge', data(200, 5).x, data(200, 5).y, 200, 5);
  const good = exportOnnx(model, NAMES);

  it('a missing file', () => {
    expect(() => readModelInfo(join(dir, 'nope.onnx'))).toThrow(/^Model file .*nope\.onnx does not exist: give the path of an \.onnx file\.$/);
  });

  it('a corrupt or truncated file', async () => {
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, Buffer.from('this is not a protobuf message at all \u0000\u00ff\u00fe'));
    expect(() => readModelInfo(junk)).toThrow(/^Model file .*junk\.onnx is not a valid ONNX model \(it may be truncated or another kind of file\): export it again\.$/);
    const cut = join(dir, 'cut.onnx');
    writeFileSync(cut, good.subarray(0, Math.floor(good.length / 2)));
    await expect(openSession(cut)).rejects.toThrow(/cut\.onnx is not a valid ONNX model/);
  });

  it('features that do not match the model: by name, and by input width', () => {
    const path = join(dir, 'ridge.onnx');
    writeFileSync(path, good);
    const info = readModelInfo(path);
    expect(() => checkModelFeatures(info, ['ret:1', 'ret:5', 'vol:20', 'rsi:14', 'zscore:50'])).toThrow(/was trained on features ret:1, ret:5, vol:20, rsi:14, zscore:20 but the strategy computes ret:1, ret:5, vol:20, rsi:14, zscore:50: use a model trained/);
    const bare = join(dir, 'bare.onnx');
    const decoded = decodeModel(good);
    expect(decoded.metadata['rrr.features']).toBeDefined();
    // A model from elsewhere (no rrr.features): only the input width can be checked.
    writeFileSync(bare, exportOnnxWithoutFeatures());
    expect(() => checkModelFeatures(readModelInfo(bare), ['ret:1', 'ret:5'])).toThrow(/takes 5 features per row \(input x\) but the strategy computes 2 \(ret:1, ret:5\): use a model with a matching input shape\./);
  });

  function exportOnnxWithoutFeatures(): Uint8Array {
    return encodeModel({
      graph: {
        name: 'sum',
        nodes: [{ op: 'ReduceSum', inputs: ['x'], outputs: ['y'], attributes: { keepdims: { int: 1 } } }],
        initializers: [],
        inputs: [{ name: 'x', elemType: ElemType.FLOAT, dims: ['batch', 5] }],
        outputs: [{ name: 'y', elemType: ElemType.FLOAT, dims: ['batch', 1] }],
      },
      opsets: { '': 17 },
    });
  }
});
