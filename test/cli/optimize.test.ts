import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

const DEMO = resolve('datasets/demo-a_1d.csv');
const SEARCH = ['--strategy', 'sma-cross', '--data', DEMO, '--grid', 'fast=5:30:5', '--grid', 'slow=20:80:20', '--fees', '0.001'];

describe('rrr optimize', () => {
  it('--json returns the ranking, the winner command line (which reproduces the objective), sensitivity, heatmap and overfitting', () => {
    const dir = tempDir();
    const db = join(dir, 'o.duckdb');
    const run = rrr(['optimize', ...SEARCH, '--constraint', 'tradeCount>=20', '--top', '5', '--db', db, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.json();
    expect(out.study).toBe('s1');
    expect(out.trials).toMatchObject({ total: 24, finished: 24 });
    expect(out.trials.complete + out.trials.pruned + out.trials.failed).toBe(24);
    expect(out.top).toHaveLength(5);
    const values = out.top.map((t: { value: number }) => t.value);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    for (const t of out.top) expect(t.metrics.tradeCount).toBeGreaterThanOrEqual(20);
    expect(out.winner.value).toBe(out.top[0].value);
    expect(out.sensitivity.map((s: { param: string }) => s.param)).toEqual(['fast', 'slow']);
    expect(out.heatmap).toMatchObject({ x: 'fast', y: 'slow', xValues: [5, 10, 15, 20, 25, 30], yValues: [20, 40, 60, 80] });
    expect(out.overfitting.trialsRun).toBe(21);
    expect(out.overfitting.pbo.splits).toBe(16);
    expect(out.overfitting.winner.dsr).toBeGreaterThanOrEqual(0);
    expect(out.overfitting.winner.dsr).toBeLessThanOrEqual(out.overfitting.winner.psr);
    // 24 trials of the demo's bars: far too small a sweep to pay for starting threads, so it ran in this one.
    const bars = readFileSync(DEMO, 'utf8').trim().split('\n').length - 1;
    expect(out.threads).toEqual({ count: 1, reason: `${(24 * bars).toLocaleString('en-US')} bar-trials, under the 50 million that threads take to pay for starting; --workers N sets them` });

    const command: string = out.winner.command;
    expect(command).toBe(`rrr backtest --strategy sma-cross --data ${DEMO} --fees 0.001 --db ${db} --param fast=${out.winner.params.fast} --param slow=${out.winner.params.slow}`);
    const backtest = rrr([...command.split(' ').slice(1), '--json']);
    expect(backtest.status).toBe(0);
    expect(backtest.json().metrics.sharpe).toBe(out.winner.value);

  });

  it('prints the report on a terminal-less stdout, and minimizes with --minimize', () => {
    const dir = tempDir();
    const run = rrr(['optimize', ...SEARCH, '--objective', 'maxDrawdownPct', '--minimize', '--db', join(dir, 'o.duckdb')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Search    grid, minimize maxDrawdownPct');
    expect(run.stdout).toMatch(/Winner \(trial \d+, maxDrawdownPct [\d.]+\); run it alone with:\n {2}rrr backtest --strategy sma-cross/);
    expect(run.stdout).toContain('Heatmap of the best maxDrawdownPct: slow (rows) x fast (columns)');
    expect(run.stdout).toMatch(/PBO \(CSCV\) +0\.\d{4}/);
    const ranked = run.stdout.split('\n').filter((l) => /^ +\d+ +\d+ +\d+ +\d+ /.test(l)).map((l) => Number(l.trim().split(/ +/)[4]));
    expect(ranked.length).toBe(10);
    expect(ranked).toEqual([...ranked].sort((a, b) => a - b));
  });

  it('on 2 worker threads, where the study is recorded beside the first trials: every trial stored once, the results of one thread', () => {
    const dir = tempDir();
    const db = join(dir, 'o.duckdb');
    const two = rrr(['optimize', ...SEARCH, '--workers', '2', '--db', db, '--json']);
    expect(two.status, two.stderr).toBe(0);
    const { threads, study, ...results } = two.json();
    expect(threads).toEqual({ count: 2, reason: '--workers' });
    const one = rrr(['optimize', ...SEARCH, '--workers', '1', '--db', join(dir, 'one.duckdb'), '--json']).json();
    const strip = (summary: { winner: { command: string } }) => ({ ...summary, winner: { ...summary.winner, command: summary.winner.command.replace(/ --db \S+/, '') } });
    expect(strip(results)).toEqual(strip({ ...one, threads: undefined, study: undefined }));
    const shown = rrr(['studies', 'show', study, '--db', db, '--json']).json();
    expect({ state: shown.state, trialCount: shown.trialCount }).toEqual({ state: 'complete', trialCount: 24 });

    // A store that cannot be made: refused in one sentence while the threads ran, nothing left behind.
    const bad = join(dir, 'dangling', 'sub', 's.duckdb');
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    const refused = rrr(['optimize', ...SEARCH, '--workers', '2', '--db', bad]);
    expect({ status: refused.status, stdout: refused.stdout, stderr: refused.stderr }).toEqual({ status: 1, stdout: '', stderr: `Error: Cannot create the store at ${bad} (ENOENT): pass --db with a path in a writable directory.\n` });
  });

  it('tpe gives the same study for the same seed from the command line', () => {
    const dir = tempDir();
    const db = join(dir, 'o.duckdb');
    const args = ['optimize', '--strategy', 'sma-cross', '--data', DEMO, '--method', 'tpe', '--trials', '8', '--seed', '5', '--workers', '1', '--pbo-splits', '0', '--db', db, '--json'];
    const a = rrr(args).json();
    const b = rrr(args).json();
    expect(a.top).toEqual(b.top);
    expect(a.trials.finished).toBeGreaterThanOrEqual(8);
    expect(a.threads).toEqual({ count: 1, reason: '--workers' });
  });

  it.each([
    [['--grid', 'fast=30:5:5'], /^Error: --grid fast=30:5:5 is an inverted range/],
    [['--grid', 'fsat=5:10'], /^Error: sma-cross has no parameter "fsat" to search\. Did you mean "fast"\?/],
    [['--objective', 'sharp'], /^Error: --objective "sharp" is not a metric to optimize\. Did you mean "sharpe"\?/],
    [['--method', 'random', '--samples', '0'], /^Error: --samples 0 is not valid: give a whole number of trials, 1 or more\./],
    [['--samples', '10'], /^Error: --samples sets the number of random trials, and the method is grid/],
    [['--workers', '0'], /^Error: --workers 0 is not valid: give a whole number of threads, 1 or more\./],
    [['--shard', '1/2'], /^Error: --shard 1\/2 writes its part of the study for "rrr optimize merge": give --out FILE\.parquet too\./],
    [['--pbo-splits', '7'], /^Error: --pbo-splits 7 is not valid: give 0, or an even whole number from 2 to 20/],
    [['--param', 'fast=10', '--grid', 'fast=5:10'], /^Error: fast is given both by --grid and by --param/],
  ])('refuses %j in one sentence (exit 2)', (extra, message) => {
    const dir = tempDir();
    const run = rrr(['optimize', '--strategy', 'sma-cross', '--data', DEMO, ...extra, '--db', join(dir, 'o.duckdb')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
    expect(existsSync(join(dir, 'o.duckdb'))).toBe(false);
  });

  it('refuses a grid above 1,000,000 trials unless --yes', () => {
    const dir = tempDir();
    const run = rrr(['optimize', '--strategy', 'macd-cross', '--data', DEMO, '--db', join(dir, 'o.duckdb')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('Error: The grid has 2,920,698 trials, over the 1,000,000 limit: narrow it with --grid NAME=START:END:STEP, use --method random or tpe, or pass --yes to run it anyway.\n');
  });

  it('Ctrl-C stops cleanly with the partial results (exit 130); --resume finishes the study as one uninterrupted run would', async () => {
    const dir = tempDir();
    const db = join(dir, 'o.duckdb');
    const search = ['--strategy', 'sma-cross', '--data', DEMO, '--grid', 'fast=2:14:1', '--grid', 'slow=10:40:2', '--workers', '1', '--top', '3'];
    const child = spawn(process.execPath, [resolve('bin/run.js'), 'optimize', ...search, '--db', db, '--json'], { env: { ...process.env, RRR_DB: undefined } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const journal = join(`${db}.studies`, 's1.jsonl');
    // Interrupt once the first batch of trials is journaled.
    const timer = setInterval(() => {
      if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 2) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 10);
    const status = await new Promise<number | null>((done) => child.on('close', done));
    clearInterval(timer);
    expect(status).toBe(130);
    const partial = JSON.parse(stdout);
    expect(partial.interrupted).toBe(true);
    expect(partial.trials.finished).toBeGreaterThan(0);
    expect(partial.trials.finished).toBeLessThan(partial.trials.total);

    const resumed = rrr(['optimize', '--resume', 's1', '--db', db, '--json']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    const whole = rrr(['optimize', ...search, '--db', db, '--json']).json();
    const r = resumed.json();
    expect(r.study).toBe('s1');
    expect(r.interrupted).toBe(false);
    const { study: _a, ...rest } = r;
    const { study: _b, ...expected } = whole;
    expect(rest).toEqual(expected);
  });
});
