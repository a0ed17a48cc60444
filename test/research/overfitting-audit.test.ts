import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { auditReturns, parseReturnsCsv } from '../../src/research/overfitting/index.js';

const FIXTURES = 'test/fixtures/overfitting';

function close(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe('auditReturns', () => {
  it('matches the numpy/scipy reference on the fixture sweep to 1e-12', () => {
    // test/fixtures/overfitting/reference.py: Sharpe mean/std(ddof=1), scipy skew and kurtosis(fisher=False),
    // V = var(ddof=1) of the 8 Sharpe ratios, N = 8.
    const ref = JSON.parse(readFileSync(`${FIXTURES}/sweep-small.expected.json`, 'utf8'));
    const m = parseReturnsCsv(readFileSync(`${FIXTURES}/sweep-small.csv`, 'utf8'));
    const a = auditReturns(m.columns, { names: m.names, splits: 8 });
    expect(a.best.index).toBe(ref.audit.best);
    expect(a.best.name).toBe(m.names[ref.audit.best]);
    for (const key of ['sharpe', 'skewness', 'kurtosis', 'psr', 'dsr', 'deflationBenchmark', 'minTrackRecordLength'] as const) {
      close(a.best[key] as number, ref.audit[key], 1e-12);
    }
    close(a.sharpeVariance, ref.audit.sharpeVariance, 1e-12);
    close(a.pbo.pbo, ref.splits['8'].pbo, 1e-12);
  });

  it('reports MinTRL as null when the best Sharpe ratio is not above 0, and refuses a constant non-zero column', () => {
    const down = [Float64Array.from({ length: 40 }, (_, i) => -0.01 + (i % 2) * 0.001), Float64Array.from({ length: 40 }, (_, i) => -0.02 + (i % 3) * 0.001)];
    expect(auditReturns(down, { splits: 4 }).best.minTrackRecordLength).toBeNull();
    const flat = [new Float64Array(40).fill(0.01), Float64Array.from({ length: 40 }, (_, i) => (i % 2) * 0.01)];
    expect(() => auditReturns(flat, { splits: 4 })).toThrow(/"c1" returns the same non-zero value every period/);
  });
});

describe('parseReturnsCsv', () => {
  it('detects a header, a time column by name (even numeric) or by content, and CRLF line ends', () => {
    const named = parseReturnsCsv('time,x,y\r\n1700000000000,0.1,0.2\r\n1700000060000,0.3,0.4\r\n');
    expect(named).toMatchObject({ names: ['x', 'y'], rows: 2, timeColumn: 'time' });
    expect(Array.from(named.columns[1])).toEqual([0.2, 0.4]);
    const bare = parseReturnsCsv('2024-01-01,0.1,-0.2\n2024-01-02,0.3,0.4\n\n');
    expect(bare).toMatchObject({ names: ['c1', 'c2'], rows: 2, timeColumn: 'column 1' });
    expect(Array.from(bare.columns[0])).toEqual([0.1, 0.3]);
    const plain = parseReturnsCsv('"a","b"\n1e-3,-2E-3\n');
    expect(plain.names).toEqual(['a', 'b']);
    expect(plain.timeColumn).toBeUndefined();
    expect(Array.from(plain.columns[1])).toEqual([-0.002]);
  });

  it.each([
    ['', /the file is empty/],
    ['a,b\n', /a header but no rows/],
    ['a,b\n1,2\n3\n', /line 3 has 1 fields where the first line has 2/],
    ['a,b\n1,NaN\n', /line 2, column "b" holds "NaN", which is not a number/],
    ['1,2\n3,Infinity\n', /line 2, column 2 holds "Infinity"/],
    ['date,a\n2024-01-01,1\n', /1 column of returns/],
  ])('refuses %j with one sentence (exit 1)', (text, message) => {
    let error: unknown;
    try {
      parseReturnsCsv(text, 'm.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(1);
    expect((error as UserError).message).toMatch(/^m\.csv: /);
    expect((error as UserError).message).toMatch(message);
  });
});
