/**
 * The HTML report of a 1,000,000-bar run (issue 12): written in under 2 s, under 5 MB, first paint in Chromium
 * under 2 s. Writing is timed from the finished backtest to the file on disk (sections built, page rendered,
 * written); first paint is the browser's first-contentful-paint, and "ready" the moment every chart has drawn.
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchmarkBars } from '../src/data/synthetic.js';
import { fingerprintBars } from '../src/data/runs.js';
import { formatTime } from '../src/data/time.js';
import { backtestReport } from '../src/report/html/backtest-sections.js';
import { writeReportFile } from '../src/report/html/write.js';
import { findChromium, launchChromium } from '../src/report/pdf.js';
import { runBacktest } from '../src/strategies/backtest.js';
import { builtinStrategy } from '../src/strategies/registry.js';
import { check, measure, report, type Measurement } from './harness.js';

export async function reportBenchmarks(bars = 1_000_000): Promise<Measurement[]> {
  const series = benchmarkBars(bars);
  const periodsPerYear = 525_600;
  const backtest = runBacktest(series, { strategy: builtinStrategy('sma-cross')!, params: { fast: 10, slow: 50 }, sim: { feeRate: 0.001 }, periodsPerYear });
  const path = join(tmpdir(), `rrr-report-bench-${process.pid}.html`);
  const write = () =>
    writeReportFile(
      backtestReport({
        runId: 1,
        strategy: 'sma-cross',
        symbols: ['BENCH'],
        timeframe: '1m',
        from: formatTime(series.time[0]),
        to: formatTime(series.time[bars - 1]),
        dataFingerprint: fingerprintBars([series]),
        recordedSettings: { ...(backtest.settings as object), periodsPerYear },
        periodsPerYear,
        backtest,
        bars: [series],
      }),
      path,
    );
  const written = await write();
  check(statSync(path).size === written.bytes, 'the file has the bytes reported');
  const rows: Measurement[] = [await measure(`report of a ${bars.toLocaleString('en-US')}-bar run (${backtest.result.trades.count} trades): build + render + write`, write, { runs: 5, warmup: 1, note: `${(written.bytes / 1e6).toFixed(2)} MB` })];

  const chromium = findChromium();
  if (chromium === null) {
    console.log('No Chromium found: first paint not measured.');
  } else {
    const browser = await launchChromium(chromium);
    try {
      const paints: number[] = [];
      const ready: number[] = [];
      for (let i = 0; i < 4; i++) {
        const page = await browser.browser.newPage({ viewport: { width: 1200, height: 900 } });
        await page.route('**', (route) => (/^(file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort()));
        await page.goto(pathToFileURL(path).href);
        await page.waitForFunction('window.__rrr && window.__rrr.ready', undefined, { timeout: 60_000 });
        const t = (await page.evaluate(`(() => { const p = performance.getEntriesByName('first-contentful-paint')[0]; return { paint: p ? p.startTime : NaN, ready: performance.now() }; })()`)) as { paint: number; ready: number };
        // The first load warms the browser's caches; the rest are what a reader sees.
        if (i > 0) {
          paints.push(t.paint);
          ready.push(t.ready);
        }
        await page.close();
      }
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
      check(paints.every(Number.isFinite), 'the page painted');
      rows.push({ name: 'first contentful paint in headless Chromium', medianMs: median(paints), minMs: Math.min(...paints), runs: paints.length });
      rows.push({ name: 'every chart drawn (window.__rrr.ready) in headless Chromium', medianMs: median(ready), minMs: Math.min(...ready), runs: ready.length });
    } finally {
      await browser.close();
    }
  }
  rmSync(path, { force: true });
  report('HTML report (issue 12): targets written < 2 s, < 5 MB, first paint < 2 s', rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await reportBenchmarks(Number(process.argv[2] ?? 1_000_000));
