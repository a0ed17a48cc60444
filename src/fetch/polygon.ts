import { allocateBars, type Bars } from '../data/bars.js';
import type { Timeframe } from '../data/timeframe.js';
import { UserError } from '../errors.js';
import { ExchangeFailure } from '../exchange/errors.js';
import { withRetry, type RetryOptions } from '../exchange/retry.js';
import { getJson } from './http.js';
import type { BarPage, BarSource } from './types.js';

export const POLYGON_URL = 'https://api.polygon.io';
/** Polygon's largest page of aggregates. */
export const POLYGON_MAX_LIMIT = 50_000;

export interface PolygonOptions {
  /** From POLYGON_API_KEY; sent as a bearer token, so it is in no URL rrr prints. */
  apiKey: string;
  url?: string;
  /** Aggregates per page (Polygon's `limit`, at most 50,000). */
  pageLimit?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
}

const SPANS: Record<Timeframe['unit'], string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month' };

/** The key from the environment, or one sentence saying how to give it. */
export function polygonKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.POLYGON_API_KEY?.trim();
  if (!key) throw new UserError('Polygon needs an API key: set POLYGON_API_KEY to the key of your polygon.io account (rrr never prints it).', { code: 'RRR_NO_VENDOR_KEY' });
  return key;
}

interface PolygonAggregate {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v?: number;
}

interface PolygonAnswer {
  status?: string;
  results?: PolygonAggregate[];
  next_url?: string;
  message?: string;
  error?: string;
}

function barsOf(results: readonly PolygonAggregate[]): Bars {
  const bars = allocateBars(results.length);
  results.forEach((r, i) => {
    bars.time[i] = Number(r.t);
    bars.open[i] = Number(r.o);
    bars.high[i] = Number(r.h);
    bars.low[i] = Number(r.l);
    bars.close[i] = Number(r.c);
    bars.volume[i] = r.v === undefined || r.v === null ? NaN : Number(r.v);
  });
  return bars;
}

/**
 * Polygon.io's aggregates (bars) REST API, for equities (AAPL), FX (C:EURUSD) and crypto (X:BTCUSD):
 * GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}, then each answer's next_url
 * until there is none. Plan limits: 429 (requests per minute) is waited out (its Retry-After) and retried;
 * 403 (history or data the plan does not include) fails with Polygon's own sentence, and the next source,
 * if any, takes over. The key goes in the Authorization header, so no URL holds it.
 */
export class PolygonSource implements BarSource {
  readonly name = 'polygon';
  readonly url?: string;
  private readonly base: string;

  constructor(private readonly options: PolygonOptions) {
    this.url = options.url;
    if (options.url !== undefined && !/^https?:\/\/[^/?#]+[^?#]*$/i.test(options.url)) {
      throw new UserError(`--vendor-url "${options.url}" is not an http(s) URL without query: give one such as http://127.0.0.1:8766.`);
    }
    this.base = (options.url ?? POLYGON_URL).replace(/\/+$/, '');
    const limit = options.pageLimit ?? POLYGON_MAX_LIMIT;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= POLYGON_MAX_LIMIT)) throw new RangeError(`Polygon page limit ${limit} is not valid: give a whole number from 1 to ${POLYGON_MAX_LIMIT}.`);
  }

  async check(_symbol: string, timeframe: Timeframe): Promise<void> {
    if (timeframe.unit === 's') throw new UserError(`Polygon's aggregates come in minutes, hours, days, weeks and months, not seconds: pass --timeframe such as 1m, 1h or 1d.`);
  }

  private async get(url: string): Promise<PolygonAnswer> {
    const answer = await withRetry(
      () =>
        getJson(url, {
          name: 'Polygon',
          timeoutMs: this.options.timeoutMs,
          headers: { Authorization: `Bearer ${this.options.apiKey}` },
          message: (body) => {
            const b = body as PolygonAnswer | undefined;
            return b?.message ?? b?.error;
          },
        }),
      (error) => {
        if (error instanceof ExchangeFailure) return error;
        throw error;
      },
      this.options.retry,
    );
    return answer as PolygonAnswer;
  }

  async *pages(symbol: string, timeframe: Timeframe, since: number, until: number): AsyncIterable<BarPage> {
    const limit = this.options.pageLimit ?? POLYGON_MAX_LIMIT;
    let url: string | undefined =
      `${this.base}/v2/aggs/ticker/${encodeURIComponent(symbol)}/range/${timeframe.count}/${SPANS[timeframe.unit]}/${since}/${until}?adjusted=true&sort=asc&limit=${limit}`;
    while (url !== undefined) {
      const answer = await this.get(url);
      if (answer.status !== undefined && !['OK', 'DELAYED'].includes(answer.status)) {
        throw new ExchangeFailure(`Polygon answered status ${answer.status}${answer.message ? ` ("${answer.message}")` : ''}.`, { kind: 'exchange', retryable: false });
      }
      const results = (answer.results ?? []).filter((r) => r.t >= since && r.t <= until);
      // next_url is absolute on Polygon; a proxy or emulator may answer with its own host, which is followed.
      url = answer.next_url ? new URL(answer.next_url, `${this.base}/`).toString() : undefined;
      const bars = barsOf(results);
      yield { bars, next: url === undefined ? undefined : bars.length > 0 ? bars.time[bars.length - 1] + 1 : undefined };
    }
  }
}
