/**
 * The one way rrr drives a browser: a local Chromium (never downloaded) through playwright-core, headless,
 * with everything that phones home switched off. `--pdf` prints through it and the browser tests open
 * reports with it.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { UserError } from '../errors.js';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** $RRR_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH (or /usr/bin); null when none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.RRR_CHROMIUM;
  if (given !== undefined && given !== '') return existsSync(given) ? given : null;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  for (const name of CANDIDATES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return null;
}

/** Why there is no browser for --pdf, and how to get one, in one sentence. */
export function noChromiumMessage(env: NodeJS.ProcessEnv = process.env): string {
  const install = 'install one (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set RRR_CHROMIUM to a Chrome or Chromium executable';
  return env.RRR_CHROMIUM ? `RRR_CHROMIUM is ${env.RRR_CHROMIUM}, which does not exist, and --pdf needs Chromium: ${install}.` : `No Chromium was found for --pdf: ${install}.`;
}

/**
 * Flags that keep a headless Chromium quiet: on a machine that refuses outside connections, the default
 * background services (updates, sync, QUIC probes) would otherwise flood it with attempts.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--no-default-browser-check',
];

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * A headless Chromium; refuses with one sentence when none is installed. playwright's launch() gives every
 * browser a fresh --user-data-dir in a temporary folder and removes it on close (it refuses one passed in).
 */
export async function launchChromium(executablePath = findChromium()): Promise<LaunchedBrowser> {
  if (executablePath === null) throw new UserError(noChromiumMessage(), { exitCode: 1, code: 'RRR_NO_CHROMIUM' });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close() };
}

/** Prints an HTML file to PDF (A4 landscape, backgrounds kept) once its charts have drawn. */
export async function printPdf(htmlPath: string, pdfPath: string, executablePath = findChromium()): Promise<void> {
  const launched = await launchChromium(executablePath);
  try {
    // The charts are drawn at the width they load at: the printable width of A4 landscape (277 mm at 96 dpi).
    const page = await launched.browser.newPage({ viewport: { width: 1040, height: 800 } });
    await page.route('**', (route) => (/^(file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForFunction(() => (globalThis as unknown as { __rrr?: { ready: boolean } }).__rrr?.ready === true, undefined, { timeout: 60_000 });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdfPath, format: 'A4', landscape: true, printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await launched.close();
  }
}
