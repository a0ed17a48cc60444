import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import {
  binomial,
  CscvBlocks,
  cscvBlocks,
  parseReturnsCsv,
  probabilityOfBacktestOverfitting,
  type UnionMetric,
} from '../../src/research/overfitting/index.js';

const FIXTURES = 'test/fixtures/overfitting';

/** Seeded N(0, 1) draws (Box–Muller on mulberry32). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** N configurations of T iid N(0, 1) returns; configuration 0 gets `edge` added to every return. */
function sweep(seed: number, N: number, T: number, edge = 0): Float64Array[] {
  const rand = mulberry32(seed);
  return Array.from({ length: N }, (_, j) => {
    const c = new Float64Array(T);
    for (let t = 0; t < T; t++) c[t] = gaussian(rand) + (j === 0 ? edge : 0);
    return c;
  });
}

/**
 * A second implementation, written from the paper without block statistics: concatenate the rows of the
 * chosen blocks, compute each configuration's measure on the series, rank, take the logit. Splits in
 * itertools.combinations order.
 */
function naivePbo(columns: Float64Array[], S: number, measure: (x: number[]) => number) {
  const T = columns[0].length;
  const size = Math.floor(T / S);
  const drop = T - size * S;
  const N = columns.length;
  const out: { best: number; logit: number }[] = [];
  const combos: number[][] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === S / 2) return void combos.push([...chosen]);
    for (let b = start; b < S; b++) pick(b + 1, [...chosen, b]);
  };
  pick(0, []);
  for (const c of combos) {
    const rest = [...Array(S).keys()].filter((b) => !c.includes(b));
    const rowsOf = (blocks: number[]) => blocks.flatMap((b) => [...Array(size).keys()].map((i) => drop + b * size + i));
    const isRows = rowsOf(c);
    const oosRows = rowsOf(rest);
    const is = columns.map((col) => measure(isRows.map((t) => col[t])));
    const oos = columns.map((col) => measure(oosRows.map((t) => col[t])));
    const best = is.indexOf(Math.max(...is));
    const rank = oos.filter((v) => v < oos[best]).length + (oos.filter((v) => v === oos[best]).length + 1) / 2;
    const w = rank / (N + 1);
    out.push({ best, logit: Math.log(w / (1 - w)) });
  }
  return out;
}

const sampleSharpe = (x: number[]) => {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
  return mean / sd;
};

/** Our split k in itertools.combinations order: the first half are the same; entry half + k is the complement of k. */
function itertoolsIndex(k: number, combinations: number): number {
  const half = combinations / 2;
  return k < half ? k : combinations - 1 - (k - half);
}

describe('PBO by CSCV', () => {
  const matrix = parseReturnsCsv(readFileSync(`${FIXTURES}/sweep-small.csv`, 'utf8'));
  const expected = JSON.parse(readFileSync(`${FIXTURES}/sweep-small.expected.json`, 'utf8'));

  it.each([2, 4, 8, 10])('matches pypbo\'s algorithm split by split (numpy/scipy reference, S = %i)', (S) => {
    // test/fixtures/overfitting/reference.py runs pypbo's pbo() steps (esvhd/pypbo) on the same 100 x 8 file.
    const ref = expected.splits[String(S)];
    const r = probabilityOfBacktestOverfitting(matrix.columns, { splits: S });
    expect(r.combinations).toBe(binomial(S, S / 2));
    expect(r.combinations).toBe(ref.combinations.length);
    expect(r.droppedRows).toBe(100 % S);
    close(r.pbo, ref.pbo, 1e-12);
    close(r.probabilityOfOosLoss, ref.probabilityOfOosLoss, 1e-12);
    for (let k = 0; k < r.combinations; k++) {
      const row = ref.combinations[itertoolsIndex(k, r.combinations)];
      expect(r.bestIndex[k]).toBe(row.best);
      close(r.bestInSample[k], row.isSharpe, 1e-12);
      close(r.bestOutOfSample[k], row.oosSharpe, 1e-12);
      close(r.logits[k], row.logit, 1e-12);
    }
    // The first half holds block 0 in sample, as the order promises.
    expect(ref.combinations[0].is[0]).toBe(0);
  });

  it('agrees with a series-based second implementation, for Sharpe and for a custom measure', () => {
    const cols = sweep(3, 7, 203, 0.05); // 203 rows: 5 leading rows dropped for 6 blocks of 33
    const S = 6;
    const naive = naivePbo(cols, S, sampleSharpe);
    const r = probabilityOfBacktestOverfitting(cols, { splits: S });
    expect(r.droppedRows).toBe(5);
    expect(r.rowsUsed).toBe(198);
    for (let k = 0; k < r.combinations; k++) {
      const n = naive[itertoolsIndex(k, r.combinations)];
      expect(r.bestIndex[k]).toBe(n.best);
      close(r.logits[k], n.logit, 1e-12);
    }
    expect(r.pbo).toBe(naive.filter((n) => n.logit <= 0).length / naive.length);

    const meanMetric: UnionMetric = (_count, mean) => mean;
    const naiveMean = naivePbo(cols, S, (x) => x.reduce((a, b) => a + b, 0) / x.length);
    const m = probabilityOfBacktestOverfitting(cols, { splits: S, metric: meanMetric });
    for (let k = 0; k < m.combinations; k++) close(m.logits[k], naiveMean[itertoolsIndex(k, m.combinations)].logit, 1e-12);
  });

  it('keeps only N x S block statistics, filled by rows or by columns alike', () => {
    const cols = sweep(5, 6, 130);
    const byRows = new CscvBlocks(6, 130, 8);
    const row = new Float64Array(6);
    for (let t = 0; t < 130; t++) {
      for (let j = 0; j < 6; j++) row[j] = cols[j][t];
      byRows.addRow(row);
    }
    const byColumns = cscvBlocks(cols, 8);
    expect(byRows.means.length).toBe(6 * 8);
    for (let i = 0; i < byRows.means.length; i++) {
      close(byRows.means[i], byColumns.means[i], 1e-14);
      close(byRows.m2s[i], byColumns.m2s[i], 1e-12);
    }
    const a = probabilityOfBacktestOverfitting(byRows);
    const b = probabilityOfBacktestOverfitting(byColumns);
    for (let k = 0; k < a.combinations; k++) close(a.logits[k], b.logits[k], 1e-12);
  });

  it('zero-edge sweeps give PBO near 0.5 (mean of 10 seeds within 0.5 ± 0.15)', () => {
    const values = Array.from({ length: 10 }, (_, s) => probabilityOfBacktestOverfitting(sweep(100 + s, 40, 480), { splits: 16 }).pbo);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.15);
  });

  it('a planted edge gives PBO under 0.1', () => {
    for (let s = 0; s < 4; s++) {
      const r = probabilityOfBacktestOverfitting(sweep(200 + s, 40, 480, 0.3), { splits: 16 });
      expect(r.pbo).toBeLessThan(0.1);
      expect(r.probabilityOfOosLoss).toBeLessThan(0.1);
    }
  });

  it('refuses bad input with one sentence', () => {
    const cols = sweep(1, 3, 40);
    expect(() => probabilityOfBacktestOverfitting(cols, { splits: 5 })).toThrow(/splits must be an even whole number from 2 to 20/);
    expect(() => probabilityOfBacktestOverfitting(cols, { splits: 22 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(cols, { splits: 0 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(cols.map((c) => c.subarray(0, 30)), { splits: 16 })).toThrow(/16 splits need at least 32 rows of returns/);
    expect(() => probabilityOfBacktestOverfitting([cols[0]], { splits: 4 })).toThrow(/at least 2 configurations/);
    expect(() => probabilityOfBacktestOverfitting([cols[0], cols[1].subarray(1)], { splits: 4 })).toThrow(/has 39 returns; every configuration needs 40/);
    const bad = Float64Array.from(cols[0]);
    bad[7] = NaN;
    expect(() => probabilityOfBacktestOverfitting([bad, cols[1]], { splits: 4 })).toThrow(/non-finite return \(NaN\) at row 7/);
    const partial = new CscvBlocks(2, 40, 4);
    partial.addColumn(0, cols[0]);
    expect(() => probabilityOfBacktestOverfitting(partial)).toThrow(/not complete/);
    expect(() => partial.addRow([0, 0])).toThrow(/not both/);
  });
});

/** |a − b| <= tol · max(1, |b|). */
function close(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}
