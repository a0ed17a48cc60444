import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LaunchedBrowser } from '../../../src/report/pdf.js';
import { describeBrowser, openReport, paintedPixels, startBrowser } from '../../helpers/browser.js';
import { rrr, tempDir } from '../../helpers/cli.js';

const DATA = resolve('datasets/demo-a_1d.csv');
const OUT = resolve('test-output');

/** Writes a report through the CLI (small runs on demo data) and returns the --json output. */
function write(args: string[], file: string): any {
  const r = rrr([...args, '--report', file, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.json();
}

describeBrowser('research reports in headless Chromium (network blocked)', () => {
  let browser: LaunchedBrowser;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('rrr-research-report-');
    mkdirSync(OUT, { recursive: true });
    browser = await startBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the report, checks what every report must pass, saves a screenshot, and returns the page for more. */
  async function check(file: string, name: string, charts: string[]) {
    const opened = await openReport(browser, file);
    expect(opened.requests).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
    const painted = await paintedPixels(opened.page);
    expect(Object.keys(painted).sort()).toEqual([...charts].sort());
    for (const id of charts) expect(painted[id], `chart ${id} drew nothing`).toBeGreaterThan(50);
    await opened.page.screenshot({ path: join(OUT, `research-${name}.png`), fullPage: true });
    return opened;
  }

  it('optimize: trials table sorts, the heatmap shows the trials\' values, PSR/DSR/PBO as the summary has them', async () => {
    const file = join(dir, 'optimize.html');
    const out = write(['optimize', '--strategy', 'sma-cross', '--data', DATA, '--grid', 'fast=5:25:5', '--grid', 'slow=30:90:20', '--workers', '1', '--top', '3', '--db', join(dir, 'o.duckdb')], file);
    expect(out.report).toMatchObject({ path: file, sections: ['search', 'winner', 'trials', 'heatmap', 'sensitivity'] });
    expect(out.top).toHaveLength(3);
    const opened = await check(file, 'optimize', ['winner-equity', 'sensitivity-fast', 'sensitivity-slow']);
    const { page } = opened;
    // Every complete trial is in the table (5 x 4 grid, all fast < slow), not only --top.
    const rows = (): Promise<any[][]> => page.evaluate(`window.__rrr.tables['trials-table'].rows()`) as Promise<any[][]>;
    expect((await rows()).map((r) => r[0])).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await page.click('#trials-table th:nth-child(2)');
    const trials = (await rows()).map((r) => r[1]);
    expect(trials).toEqual([...trials].sort((a, b) => a - b));
    // Heatmap cells: each holds the summary's value exactly (in its title), blank where the summary has none.
    const cells = (await page.evaluate(`[...document.querySelectorAll('#objective-heatmap tr')].slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.getAttribute('title')))`)) as (string | null)[][];
    expect(cells).toEqual(out.heatmap.cells.map((row: (number | null)[]) => row.map((v) => (v === null ? null : `sharpe: ${v}`))));
    expect(cells.flat().filter((c) => c !== null)).toHaveLength(20);
    const text = readFileSync(file, 'utf8');
    const o = out.overfitting;
    for (const value of [o.winner.psr, o.winner.dsr, o.pbo.pbo]) expect(text).toContain(`>${value.toFixed(4)}<`);
    await opened.close();
  });

  it('walk-forward: the window table, stitched out-of-sample equity against the in-sample pace, CAGR per window', async () => {
    const file = join(dir, 'walkforward.html');
    const out = write(['walkforward', '--strategy', 'sma-cross', '--data', DATA, '--grid', 'fast=5,10,20', '--grid', 'slow=30,60,120', '--train', '365d', '--test', '180d', '--workers', '1'], file);
    expect(out.report.sections).toEqual(['walkforward', 'windows', 'out-of-sample', 'stability', 'window-overfitting']);
    const opened = await check(file, 'walkforward', ['stitched-equity', 'window-cagr']);
    const rows = (await opened.page.evaluate(`window.__rrr.tables['windows-table'].rows()`)) as any[][];
    expect(rows.map((r) => r[0])).toEqual(out.windows.map((w: { index: number }) => w.index));
    await opened.close();
  });

  it('Monte Carlo: the fan chart, both histograms with the actual value, the ruin probability', async () => {
    const file = join(dir, 'montecarlo.html');
    const out = write(['montecarlo', '--strategy', 'sma-cross', '--data', DATA, '--runs', '2000', '--seed', '3'], file);
    expect(out.report.sections).toEqual(['mc-settings', 'mc-bands', 'mc-distributions', 'mc-ruin']);
    const opened = await check(file, 'montecarlo', ['mc-fan', 'mc-final-return', 'mc-max-drawdown']);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`>${(out.ruin.probability * 100).toFixed(2)}%<`);
    await opened.close();
  });
});
