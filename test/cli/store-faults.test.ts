import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir, fileSha } from '../helpers/cli.js';

const sha = fileSha;

describe('--db that is not a store, and damaged stores: one sentence, nothing written', () => {
  let dir: string;
  let good: string;
  beforeAll(() => {
    dir = tempDir('rrr-faults-');
    good = join(dir, 'good.duckdb');
    expect(rrr(['demo', '--db', good]).status).toBe(0);
  });

  it('an import with --db at a CSV file is refused and the CSV is left byte for byte as it was', () => {
    const csv = join(dir, 'prices.csv');
    copyFileSync('datasets/demo-a_1d.csv', csv);
    const before = sha(csv);
    const r = rrr(['data', 'import', 'datasets/demo-b_1d.csv', '--symbol', 'B', '--timeframe', '1d', '--db', csv]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error: --db ${csv} is not a DuckDB database (it looks like a text file) and was left untouched: pass --db with an rrr store or a new file path, and import bar files with "rrr data import FILE --symbol S --timeframe TF".\n`);
    expect(sha(csv)).toBe(before);
  });

  it.each([
    ['flipped bytes', (p: string) => { const d = readFileSync(p); d.fill(0xff, 12_300, 12_316); writeFileSync(p, d); }],
    ['a truncated file', (p: string) => truncateSync(p, statSync(p).size - 5000)],
  ])('a store with %s is reported as damaged by reads and by a backtest, which records nothing', (name, damage) => {
    const db = join(dir, `${name.replace(/\W+/g, '-')}.duckdb`);
    copyFileSync(good, db);
    damage(db);
    const before = sha(db);
    for (const args of [['data', 'list'], ['runs', 'list'], ['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d'], ['data', 'import', 'datasets/demo-a_1d.csv', '--symbol', 'X', '--timeframe', '1d']]) {
      const r = rrr([...args, '--db', db]);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^Error: The store ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\([^\\n]+\\): restore it from a backup, or pass --db with another store; rrr does not write into a damaged store\\.\\n$`));
      expect(r.stderr).not.toMatch(/in use/);
    }
    expect(sha(db)).toBe(before);
  });
});

describe('mistyped flags get a did-you-mean sentence', () => {
  it.each([
    [['backtest', '--stoploss', '3%'], 'Error: Unknown flag --stoploss. Did you mean --stop-loss?\n'],
    [['backtest', '--fee', '0.001'], 'Error: Unknown flag --fee. Did you mean --fees?\n'],
    [['data', 'list', '--jsn'], 'Error: Unknown flag --jsn. Did you mean --json?\n'],
    [['data', 'show', 'X', '--timeframe', '1d', '--tial', '3'], 'Error: Unknown flag --tial. Did you mean --tail?\n'],
    [['data', 'list', '--completely-unknown'], 'Error: Unknown flag --completely-unknown: see "rrr data list --help" for the flags it accepts.\n'],
  ])('rrr %j', (args, message) => {
    const r = rrr(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message);
    expect(r.stdout).toBe('');
  });
});
