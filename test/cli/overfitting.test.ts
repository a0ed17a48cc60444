import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

const FILE = 'test/fixtures/overfitting/sweep-small.csv';
// Written by test/fixtures/overfitting/reference.py with numpy/scipy (an independent implementation).
const expected = JSON.parse(readFileSync('test/fixtures/overfitting/sweep-small.expected.json', 'utf8'));

function close(actual: number, want: number, tol = 1e-9): void {
  expect(Math.abs(actual - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
}

describe('rrr overfitting', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rrr-overfitting-');
  });

  it('audits a returns matrix with a date column: PBO, and PSR, DSR, MinTRL of the best column (--json)', () => {
    const r = rrr(['overfitting', '--returns', FILE, '--splits', '8', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ file: FILE, timeColumn: 'date', rows: 100, configurations: 8 });
    expect(out.pbo).toMatchObject({ splits: 8, combinations: 70, rowsUsed: 96, droppedRows: 4 });
    close(out.pbo.pbo, expected.splits['8'].pbo);
    close(out.pbo.probabilityOfOosLoss, expected.splits['8'].probabilityOfOosLoss);
    const ref = expected.audit;
    expect(out.best.index).toBe(ref.best);
    expect(out.best.name).toBe(`a${ref.best + 1}`);
    for (const key of ['sharpe', 'skewness', 'kurtosis', 'psr', 'dsr', 'deflationBenchmark', 'minTrackRecordLength'] as const) close(out.best[key], ref[key]);
    close(out.sharpeVariance, ref.sharpeVariance);
  });

  it('prints the same in words, with 16 splits by default', () => {
    const r = rrr(['overfitting', '--returns', FILE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('8 configurations x 100 rows (time column "date")');
    expect(r.stdout).toMatch(/PBO 0\.\d{4}: in [\d.]+% of 12870 CSCV splits \(16 blocks\)/);
    expect(r.stdout).toContain('Best by Sharpe: "a5"');
    expect(r.stdout).toMatch(/DSR \(8 trials\)\s+0\.8748/);
    expect(r.stdout).toMatch(/MinTRL \(95%\)\s+52 rows/);
  });

  it('reads a file without header or time column', () => {
    const file = join(dir, 'bare.csv');
    const lines = readFileSync(FILE, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(1).join(','));
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const out = rrr(['overfitting', '--returns', file, '--splits', '8', '--json']).json();
    expect(out.timeColumn).toBeUndefined();
    expect(out.best.name).toBe(`c${expected.audit.best + 1}`);
    close(out.pbo.pbo, expected.splits['8'].pbo);
    close(out.best.dsr, expected.audit.dsr);
  });

  it.each([
    ['a missing file', 1, () => ['--returns', join(dir, 'none.csv')], /^Error: Cannot read the returns file .*none\.csv: no such file\.$/m],
    ['a ragged row', 1, () => ['--returns', write('ragged.csv', 'a,b\n0.1,0.2\n0.3\n')], /line 3 has 1 fields where the first line has 2/],
    ['a non-number', 1, () => ['--returns', write('text.csv', 'a,b\n0.1,0.2\n0.3,x\n')], /line 3, column "b" holds "x", which is not a number/],
    ['an empty cell', 1, () => ['--returns', write('empty.csv', 'a,b\n0.1,\n0.3,0.1\n')], /line 2, column "b" holds ""/],
    ['one column', 1, () => ['--returns', write('one.csv', 'date,a\n2024-01-01,0.1\n2024-01-02,0.2\n')], /1 column of returns; PBO and the deflated Sharpe ratio compare at least 2/],
    ['an odd --splits', 2, () => ['--returns', FILE, '--splits', '7'], /--splits "7" is not valid: give an even whole number from 2 to 20/],
    ['a huge --splits', 2, () => ['--returns', FILE, '--splits', '64'], /--splits "64" is not valid/],
    ['--splits too large for the rows', 2, () => ['--returns', write('short.csv', 'a,b\n' + '0.1,0.2\n0.2,0.1\n'.repeat(10)), '--splits', '16'], /--splits 16 needs at least 32 rows of returns \(2 per block\) but .* has 20/],
    ['no --returns', 2, () => [], /^Error: --returns is missing: give a CSV file of per-period returns, one column per configuration\.$/m],
  ])('%s: one sentence, exit %i', (_what, status, args, message) => {
    const r = rrr(['overfitting', ...args()]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(status);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--json reports a bad file as an error object', () => {
    const r = rrr(['overfitting', '--returns', write('text2.csv', 'a,b\n0.1,nope\n'), '--json']);
    expect(r.status).toBe(1);
    expect(r.json().error.message).toMatch(/not a number/);
  });

  function write(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }
});
