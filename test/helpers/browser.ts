import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { findChromium, launchChromium, type LaunchedBrowser } from '../../src/report/pdf.js';

/** The local Chromium the browser tests drive ($RRR_CHROMIUM, chromium, chromium-browser, google-chrome). */
export const CHROMIUM = findChromium();

if (CHROMIUM === null && process.env.CI === 'true') {
  throw new Error('CI=true but no Chromium was found (install Debian\'s chromium or set RRR_CHROMIUM): the browser tests cannot run.');
}

export const BROWSER_SKIP_REASON = 'skipped: no Chromium found (install chromium or set RRR_CHROMIUM)';

/** describe() that runs only where a Chromium is installed; elsewhere one skipped test carries the reason. */
export const describeBrowser = (name: string, fn: () => void) =>
  CHROMIUM !== null ? describe(name, fn) : describe(name, () => it.skip(BROWSER_SKIP_REASON, () => {}));

export interface OpenedReport {
  page: Page;
  /** Every request the page attempted other than the report file itself (all were aborted). */
  requests: string[];
  /** console.error messages and uncaught page errors. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** One browser per test file: start it in beforeAll, close it in afterAll. */
export async function startBrowser(): Promise<LaunchedBrowser> {
  return launchChromium(CHROMIUM);
}

/**
 * Opens an HTML file with the network blocked: anything but file:, data: and blob: is aborted and recorded,
 * as is the report's own URL excluded. Waits until the report's script says it is ready.
 */
export async function openReport(launched: LaunchedBrowser, path: string, viewport = { width: 1200, height: 900 }): Promise<OpenedReport> {
  const context = await launched.browser.newContext({ viewport });
  const page = await context.newPage();
  const url = pathToFileURL(path).href;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  await page.route('**', (route) => (/^(file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort()));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as any).__rrr?.ready === true, undefined, { timeout: 30_000 });
  return { page, requests, consoleErrors, close: () => context.close() };
}

/**
 * How many sampled pixels of each canvas on the page are not blank (transparent or white): 0 means the chart
 * drew nothing. Keyed by the chart's element id.
 */
export async function paintedPixels(page: Page): Promise<Record<string, number>> {
  // A string, not a function: the test project compiles without the DOM library.
  return page.evaluate(`(() => {
    const out = {};
    for (const node of document.querySelectorAll('.rrr-chart')) {
      let painted = 0;
      for (const canvas of node.querySelectorAll('canvas')) {
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        // Every 7th pixel is enough to tell a drawn chart from an empty canvas.
        for (let i = 0; i < data.length; i += 4 * 7) {
          const blank = data[i + 3] === 0 || (data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250);
          if (!blank) painted++;
        }
      }
      out[node.id] = painted;
    }
    return out;
  })()`);
}
