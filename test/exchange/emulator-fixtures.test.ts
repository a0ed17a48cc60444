import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/exchange/emulator/index.js';
import { barsOf, binanceClient, recordRequests, type CsvBar } from './emulator-helpers.js';

// ccxt's own offline fixtures (test/fixtures/ccxt-binance/README.md): what ccxt sends to Binance and what Binance
// answers. The same calls against the emulator must send the same parameters and get answers with the same fields,
// parsed by ccxt into the same unified shapes.
const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/ccxt-binance/${name}.json`, 'utf8'));
const requests = fixture('request');
const responses = fixture('response');
const SKIP = new Set<string>(requests.skipKeys);

/** Hourly bars from 2024-01-01 to 2024-12-31 at a flat-ish price: covers every time the fixtures ask for. */
function hourly(price: number): CsvBar[] {
  const start = Date.UTC(2024, 0, 1);
  return Array.from({ length: 366 * 24 }, (_, i) => {
    const p = price * (1 + 0.01 * Math.sin(i / 10));
    const r = (x: number) => Math.round(x * 100) / 100;
    return { time: start + i * 3_600_000, open: r(p), high: r(p * 1.01), low: r(p * 0.99), close: r(p), volume: 1000 };
  });
}

/** The parameters of a recorded or fixture request, without the ones ccxt's fixtures skip (they change per call). */
function paramsOf(url: string, body: string | undefined): { path: string; params: Record<string, string> } {
  const u = new URL(url);
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(u.search.slice(1) + (body ? `&${body}` : ''))) if (!SKIP.has(k)) params[k] = v;
  return { path: u.pathname, params };
}

/** The shape of a value: its kind, and for objects the shapes of its fields (info is the venue's raw answer: skipped). */
function shape(v: unknown): unknown {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'array' : ['array', shape(v[0])];
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'info').map(([k, x]) => [k, shape(x)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return typeof v;
}

let ltc: Emulator;
let btc: Emulator;
beforeAll(async () => {
  // Binance's LTCUSDT trades in steps of 0.001 with a 0.01 tick: the fixtures' rounding (0.4234234234 -> 0.423) assumes them.
  ltc = await startEmulator({ bars: barsOf(hourly(70), '1h'), symbol: 'LTC/USDT', timeframe: '1h', closedBars: 200, filters: { stepSize: 0.001, tickSize: 0.01 }, balances: { USDT: 10_000, LTC: 5 } });
  btc = await startEmulator({ bars: barsOf(hourly(43_000), '1h'), symbol: 'BTC/USDT', timeframe: '1h' });
});
afterAll(async () => {
  await ltc.close();
  await btc.close();
});

describe('requests: ccxt sends the emulator what its fixtures say it sends Binance', () => {
  const cases = Object.values(requests.methods).flat() as Array<{ description: string; method: string; url: string; input: unknown[]; output?: string }>;
  it.each(cases.map((c) => [`${c.method}: ${c.description}`, c] as const))('%s', async (_name, c) => {
    const emu = String(c.input[0]).startsWith('BTC') ? btc : ltc;
    const ex = await binanceClient(emu);
    await ex.loadMarkets();
    const seen = recordRequests(ex);
    // Some inputs name orders that do not exist here: the answer may be an error, the request is what is compared.
    await ex[c.method](...c.input.map((x) => (x === null ? undefined : x))).catch(() => undefined);
    expect(seen.length).toBeGreaterThan(0);
    const sent = seen[seen.length - 1];
    const expected = paramsOf(c.url, c.output ?? undefined);
    expect(paramsOf(sent.url, sent.body)).toEqual(expected);
    expect(new URL(sent.url).origin).toBe(emu.url);
  });
});

describe('responses: the emulator answers with the fields Binance answers, parsed by ccxt into the same shapes', () => {
  let ex: any;
  let raw: () => unknown;
  const results: Record<string, { answer: unknown; parsed: unknown }> = {};
  beforeAll(async () => {
    ex = await binanceClient(ltc);
    await ex.loadMarkets();
    const seen = recordRequests(ex);
    const fetch = ex.fetch;
    let last: unknown;
    ex.fetch = async (...args: unknown[]) => (last = await fetch(...args));
    raw = () => last;
    const run = async (name: string, call: () => Promise<unknown>) => {
      const parsed = await call();
      results[name] = { answer: raw(), parsed };
    };
    await run('createOrder', () => ex.createOrder('LTC/USDT', 'limit', 'buy', 0.2, 50));
    const sell = await ex.createOrder('LTC/USDT', 'market', 'sell', 0.1);
    await run('fetchOrder', () => ex.fetchOrder(sell.id, 'LTC/USDT'));
    await ex.cancelAllOrders('LTC/USDT');
    await ex.createOrder('LTC/USDT', 'limit', 'buy', 0.2, 50, { postOnly: true });
    await run('fetchOpenOrders', () => ex.fetchOpenOrders('LTC/USDT', undefined, 1));
    await run('fetchMyTrades', () => ex.fetchMyTrades('LTC/USDT', undefined, 1));
    await run('fetchBalance', () => ex.fetchBalance());
    const exBtc = await binanceClient(btc);
    await exBtc.loadMarkets();
    const fetchBtc = exBtc.fetch.bind(exBtc);
    exBtc.fetch = async (...args: unknown[]) => (last = await fetchBtc(...args));
    results.fetchOHLCV = { parsed: await exBtc.fetchOHLCV('BTC/USDT', '1h', 1706628191000, 3), answer: undefined };
    results.fetchOHLCV.answer = last;
    expect(seen.length).toBeGreaterThan(0);
  });

  // Binance writes icebergQty only for iceberg orders (the fixture's was one); the emulator takes none.
  const NOT_APPLICABLE = new Set(['icebergQty']);
  const cases = Object.values(responses.methods).flat() as Array<{ description: string; method: string; httpResponse: any; parsedResponse: any }>;
  it.each(cases.map((c) => [`${c.method}: ${c.description}`, c] as const))('%s', (_name, c) => {
    const { answer, parsed } = results[c.method];
    const first = (x: any) => (Array.isArray(x) ? x[0] : x);
    if (c.method === 'fetchOHLCV') {
      // A kline is a 12-element array: the same kind (number or string) at every position.
      expect((first(answer) as unknown[]).map((x) => typeof x)).toEqual((first(c.httpResponse) as unknown[]).map((x) => typeof x));
      expect(shape(parsed)).toEqual(shape(c.parsedResponse));
      expect((parsed as number[][])[0][0]).toBe(c.parsedResponse[0][0]);
      return;
    }
    const fields = Object.keys(first(c.httpResponse)).filter((k) => !NOT_APPLICABLE.has(k));
    expect(Object.keys(first(answer) as object)).toEqual(expect.arrayContaining(fields));
    if (c.method === 'fetchBalance') {
      // Currencies differ (the fixture's account held BTC, LTC, ETH): compare the structure around them.
      const structure = (b: any, currencies: string[]) => ({ top: Object.keys(b).filter((k) => !currencies.includes(k)).sort(), entry: shape(b[currencies[0]]) });
      expect(structure(parsed, ['LTC', 'USDT'])).toEqual(structure(c.parsedResponse, ['BTC', 'LTC', 'ETH']));
      return;
    }
    expect(shape(parsed)).toEqual(shape(c.parsedResponse));
  });
});
