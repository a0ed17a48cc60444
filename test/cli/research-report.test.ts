import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, BROWSER_SKIP_REASON } from '../helpers/browser.js';
import { rrr, tempDir } from '../helpers/cli.js';

const DATA = resolve('datasets/demo-a_1d.csv');
const OPTIMIZE = ['optimize', '--strategy', 'sma-cross', '--data', DATA, '--grid', 'fast=5,10', '--grid', 'slow=30,60', '--workers', '1'];
const WALKFORWARD = ['walkforward', '--strategy', 'sma-cross', '--data', DATA, '--grid', 'fast=5,10', '--grid', 'slow=30,60', '--train', '365d', '--test', '365d', '--workers', '1'];
const MONTECARLO = ['montecarlo', '--strategy', 'sma-cross', '--data', DATA, '--runs', '500'];

/** One line on stderr, no stack trace. */
function oneSentence(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('--report and --pdf on the research commands', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rrr-research-cli-');
  });

  it('a --report path that cannot be written is refused before any work: no study, no store, no file', () => {
    const db = join(dir, 'refused.duckdb');
    const missing = join(dir, 'no-such-folder', 'r.html');
    const r = rrr([...OPTIMIZE, '--db', db, '--report', missing]);
    expect(r.status).toBe(1);
    expect(oneSentence(r.stderr)).toBe(`Error: --report ${missing} cannot be written (folder ${join(dir, 'no-such-folder')} does not exist): give a file path in a folder you can write to.`);
    expect(r.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);

    for (const command of [WALKFORWARD, MONTECARLO]) {
      const folder = rrr([...command, '--report', dir]);
      expect(folder.status).toBe(1);
      expect(oneSentence(folder.stderr)).toBe(`Error: --report ${dir} is a directory: give a file path in a folder you can write to.`);
      expect(folder.stdout).toBe('');
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--pdf without --report is a usage error naming what to add', () => {
    for (const command of [OPTIMIZE, WALKFORWARD, MONTECARLO]) {
      const pdf = join(dir, 'x.pdf');
      const r = rrr([...command, '--db', join(dir, 'p.duckdb'), '--pdf', pdf]);
      expect(r.status).toBe(2);
      expect(oneSentence(r.stderr)).toBe(`Error: --pdf prints the HTML report: give --report FILE too (e.g. --report ${join(dir, 'x')}.html).`);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the report and adds its path to --json, which is otherwise the output without --report', () => {
    const sub = join(dir, 'written');
    mkdirSync(sub);
    const file = join(sub, 'wf.html');
    const out = rrr([...WALKFORWARD, '--report', file, '--json'], { cwd: sub }).json();
    expect(out.report).toEqual({ path: file, bytes: readFileSync(file).length, sections: ['walkforward', 'windows', 'out-of-sample', 'stability', 'window-overfitting'] });
    const { report: _report, ...rest } = out;
    expect(rest).toEqual(rrr([...WALKFORWARD, '--json'], { cwd: sub }).json());
    expect(readdirSync(sub)).toEqual(['wf.html']);
  });

  it('optimize keeps --top in the terminal and --json while the report ranks every trial; --resume accepts --report', () => {
    const db = join(dir, 'o.duckdb');
    const file = join(dir, 'o.html');
    const out = rrr([...OPTIMIZE, '--db', db, '--top', '1', '--report', file, '--json']).json();
    expect(out.top).toHaveLength(1);
    expect(out.trials.complete).toBe(4);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('All 4 complete trials, by sharpe');
    // --report and --pdf are this invocation's own: not refused as settings that differ from the study's.
    // (The study was run with --json, which its resume replays: the refusal comes as JSON.)
    const resumed = rrr(['optimize', '--resume', out.study, '--db', db, '--report', join(dir, 'again.html')]);
    expect(resumed.json().error.code).toBe('RRR_STUDY_COMPLETE');
    expect(existsSync(join(dir, 'again.html'))).toBe(false);
  });

  it.skipIf(CHROMIUM === null)(`--pdf prints the same report to PDF and the text output says where both went (${CHROMIUM === null ? BROWSER_SKIP_REASON : 'Chromium found'})`, () => {
    const html = join(dir, 'mc.html');
    const pdf = join(dir, 'mc.pdf');
    const r = rrr([...MONTECARLO, '--report', html, '--pdf', pdf]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\nWrote ${html} \\(\\d+ KB; sections mc-settings, mc-bands, mc-distributions, mc-ruin\\) and ${pdf} \\(\\d+ KB\\)\\.\\n$`));
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
