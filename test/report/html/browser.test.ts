import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bars } from '../../../src/data/bars.js';
import { fingerprintBars } from '../../../src/data/runs.js';
import { formatTime } from '../../../src/data/time.js';
import { backtestReport } from '../../../src/report/html/backtest-sections.js';
import { writeReportFile } from '../../../src/report/html/write.js';
import type { LaunchedBrowser } from '../../../src/report/pdf.js';
import { runBacktest } from '../../../src/strategies/backtest.js';
import { builtinStrategy } from '../../../src/strategies/registry.js';
import { describeBrowser, openReport, paintedPixels, startBrowser } from '../../helpers/browser.js';
import { tempDir } from '../../helpers/cli.js';
import { readCsvBars } from '../../helpers/shared.js';

const OUTPUT = resolve(process.cwd(), 'test-output');
const demo = (name: string) => readCsvBars(resolve(process.cwd(), `datasets/${name}_1d.csv`));

async function writeDemoReport(dir: string, name: string, strategy: string, bars: Bars[]): Promise<string> {
  const backtest = runBacktest(bars.length === 1 ? bars[0] : bars, { strategy: builtinStrategy(strategy)!, periodsPerYear: 365, sim: { feeRate: 0.001 } });
  const time = bars[0].time;
  const doc = backtestReport({
    runId: 7,
    strategy,
    symbols: bars.map((b) => b.symbol ?? ''),
    timeframe: '1d',
    from: formatTime(time[0]),
    to: formatTime(time[time.length - 1]),
    dataFingerprint: fingerprintBars(bars),
    recordedSettings: { ...(backtest.settings as object), periodsPerYear: 365 },
    periodsPerYear: 365,
    backtest,
    bars,
  });
  const path = join(dir, `${name}.html`);
  await writeReportFile(doc, path);
  return path;
}

/** Pixels of each colour family in a chart's canvases: candles are the only red on a long-only price chart. */
const COLOURS = `(id) => {
  const out = { red: 0, green: 0 };
  for (const canvas of document.getElementById(id).querySelectorAll('canvas')) {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 200) continue;
      if (d[i] > 190 && d[i + 1] < 80 && d[i + 2] < 70) out.red++;
      if (d[i] < 60 && d[i + 1] > 130 && d[i + 2] < 110) out.green++;
    }
  }
  return out;
}`;

describeBrowser('the HTML report in headless Chromium, network blocked', () => {
  let browser: LaunchedBrowser;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('rrr-report-browser-');
    mkdirSync(OUTPUT, { recursive: true });
    browser = await startBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a backtest report: no request, every chart drawn, no console error, zoom shows candles, tables sort and filter', async () => {
    const path = await writeDemoReport(dir, 'backtest', 'sma-cross', [demo('demo-a')]);
    const report = await openReport(browser, path);
    const { page } = report;
    try {
      const painted = await paintedPixels(page);
      expect(Object.keys(painted).sort()).toEqual(['equity-chart', 'price-0', 'rolling-sharpe', 'trade-returns', 'underwater']);
      for (const [id, count] of Object.entries(painted)) expect(count, id).toBeGreaterThan(500);

      // Zoom: 30 bars of the 2192 in view; the x scale follows and candles replace the line.
      const before = await page.evaluate(`(() => { const c = __rrr.charts['price-0']; return { min: c.u.scales.x.min, max: c.u.scales.x.max, candles: c.candles }; })()`) as { min: number; max: number; candles: boolean };
      expect(before.candles).toBe(false);
      const coloursBefore = await page.evaluate(`(${COLOURS})('price-0')`) as { red: number; green: number };
      expect(coloursBefore.red).toBe(0);
      const from = Date.parse('2020-03-01T00:00:00Z');
      const to = Date.parse('2020-03-31T00:00:00Z');
      await page.evaluate(`__rrr.charts['price-0'].u.setScale('x', { min: ${from}, max: ${to} })`);
      await page.waitForFunction(`__rrr.charts['price-0'].candles === true`);
      await page.waitForTimeout(50);
      const after = await page.evaluate(`(() => { const c = __rrr.charts['price-0']; return { min: c.u.scales.x.min, max: c.u.scales.x.max, shown: c.visibleCandles, data: c.u.data[0].length }; })()`) as { min: number; max: number; shown: number; data: number };
      expect(after.min).toBe(from);
      expect(after.max).toBe(to);
      expect(before.max - before.min).toBeGreaterThan(50 * (to - from));
      expect(after.shown).toBe(31);
      const coloursAfter = await page.evaluate(`(${COLOURS})('price-0')`) as { red: number; green: number };
      expect(coloursAfter.red).toBeGreaterThan(200);
      await page.locator('#price-0').screenshot({ path: join(OUTPUT, 'report-zoomed-candles.png') });
      // Reset: the whole run again, the line instead of candles.
      await page.locator('#price-0 button.reset').click();
      await page.waitForFunction(`__rrr.charts['price-0'].candles === false`);
      expect(await page.evaluate(`__rrr.charts['price-0'].u.scales.x.max - __rrr.charts['price-0'].u.scales.x.min`)).toBe(before.max - before.min);

      // Sorting: click "Return [%]" once (ascending), again (descending); the rows follow the numbers.
      const returns = () => page.$$eval('#trade-table tbody tr', (rows) => rows.map((r) => Number((r as any).children[9].textContent)));
      const unsorted = await returns();
      expect(unsorted.length).toBeGreaterThan(5);
      await page.locator('#trade-table th', { hasText: 'Return [%]' }).click();
      const ascending = await returns();
      expect(ascending).toEqual([...unsorted].sort((a, b) => a - b));
      await page.locator('#trade-table th', { hasText: 'Return [%]' }).click();
      expect(await returns()).toEqual([...unsorted].sort((a, b) => b - a));
      // Filtering by text: only rows with an exit in 2020 remain.
      await page.locator('#trade-table input').fill('2020-');
      const entries = await page.$$eval('#trade-table tbody tr', (rows) => rows.map((r) => (r as any).textContent as string));
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.length).toBeLessThan(unsorted.length);
      for (const row of entries) expect(row).toContain('2020-');
      await page.locator('#trade-table input').fill('');

      await page.screenshot({ path: join(OUTPUT, 'report-backtest.png'), fullPage: true });
      expect(report.requests).toEqual([]);
      expect(report.consoleErrors).toEqual([]);

      // The Content-Security-Policy refuses a request the page itself tries to make.
      const refused = await page.evaluate(`fetch('https://example.com/x').then(() => 'fetched', () => 'refused')`);
      expect(refused).toBe('refused');
      expect(report.requests).toEqual([]);
      expect(report.consoleErrors.join(' ')).toMatch(/Content Security Policy/);
    } finally {
      await report.close();
    }
  });

  it('a multi-asset report draws each asset\'s price, P&L and weight', async () => {
    const path = await writeDemoReport(dir, 'pairs', 'pairs', [demo('demo-a'), demo('demo-b')]);
    const report = await openReport(browser, path);
    try {
      const painted = await paintedPixels(report.page);
      expect(Object.keys(painted).sort()).toEqual(['asset-pnl', 'asset-weights', 'equity-chart', 'price-0', 'price-1', 'rolling-sharpe', 'trade-returns', 'underwater']);
      for (const [id, count] of Object.entries(painted)) expect(count, id).toBeGreaterThan(500);
      const legend = await report.page.locator('#asset-weights .u-legend').textContent();
      expect(legend).toContain('demo-a');
      expect(legend).toContain('demo-b');
      await report.page.screenshot({ path: join(OUTPUT, 'report-multi-asset.png'), fullPage: true });
      expect(report.requests).toEqual([]);
      expect(report.consoleErrors).toEqual([]);
    } finally {
      await report.close();
    }
  });
});
