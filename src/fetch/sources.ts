import { suggestion, UserError } from '../errors.js';
import type { RetryOptions } from '../exchange/retry.js';
import type { SourceRef } from './provenance.js';
import type { BarSource } from './types.js';

/** Data vendors rrr reads besides ccxt's exchanges. */
export const VENDORS = ['polygon'] as const;

export interface SourceSettings {
  /** Bars per request (each source's maximum when not given). */
  pageLimit?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Where POLYGON_API_KEY is read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** "binance,kraken" as names, in order; an empty or repeated name is refused. */
export function parseSourceList(text: string, flag: string): string[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase());
  if (names.some((n) => n === '')) throw new UserError(`${flag} "${text}" has an empty name: give names separated by commas, such as binance,kraken.`);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new UserError(`${flag} "${text}" names ${repeated} twice: give each source once, in the order to try them.`);
  return names;
}

/**
 * --exchange-url values: one bare URL (for every exchange source) or NAME=URL pairs, so two exchanges of a
 * failover list can each point at their own emulator or proxy.
 */
export function parseExchangeUrls(values: readonly string[], names: readonly string[]): Map<string, string> {
  const urls = new Map<string, string>();
  for (const value of values) {
    const pair = /^([a-z0-9_.-]+)=(.+)$/i.exec(value);
    if (pair && !/^https?$/i.test(pair[1])) {
      const name = pair[1].toLowerCase();
      if (!names.includes(name)) throw new UserError(`--exchange-url ${value} names "${pair[1]}", which is not among the sources (${names.join(', ')}): give NAME=URL for one of them.`);
      urls.set(name, pair[2]);
    } else {
      if (values.length > 1) throw new UserError(`--exchange-url ${value} has no NAME=: with several --exchange-url, give each as NAME=URL (e.g. binance=http://127.0.0.1:8765).`);
      for (const name of names) if (!(VENDORS as readonly string[]).includes(name)) urls.set(name, value);
    }
  }
  return urls;
}

/**
 * The sources named, in order: "polygon" is Polygon.io (key from POLYGON_API_KEY), any other name an
 * exchange ccxt knows. An unknown name is one sentence with the nearest known one; nothing is contacted.
 */
export async function createSources(refs: readonly SourceRef[], settings: SourceSettings = {}): Promise<BarSource[]> {
  const vendors: readonly string[] = VENDORS;
  // ccxt takes a second to import: only a name that is not a vendor needs its list of exchanges.
  const known = refs.every((r) => vendors.includes(r.name)) ? [...vendors] : [...vendors, ...(await (await import('../exchange/client.js')).exchangeNames())];
  for (const ref of refs) {
    if (!known.includes(ref.name)) throw new UserError(`Unknown source "${ref.name}": give an exchange ccxt knows or a vendor (${VENDORS.join(', ')}).${suggestion(ref.name, known, 'sources')}`, { code: 'RRR_UNKNOWN_SOURCE' });
  }
  const sources: BarSource[] = [];
  for (const ref of refs) {
    if (ref.name === 'polygon') {
      const { PolygonSource, polygonKeyFromEnv } = await import('./polygon.js');
      sources.push(new PolygonSource({ apiKey: polygonKeyFromEnv(settings.env), url: ref.url, pageLimit: settings.pageLimit, timeoutMs: settings.timeoutMs, retry: settings.retry }));
    } else {
      const { CcxtSource } = await import('./ccxt.js');
      sources.push(new CcxtSource(ref.name, { url: ref.url, pageLimit: settings.pageLimit, timeoutMs: settings.timeoutMs, retry: settings.retry }));
    }
  }
  return sources;
}
