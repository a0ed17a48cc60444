import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parseTimeframe } from '../../data/timeframe.js';
import { deriveFilters } from './filters.js';
import { FaultQueue } from './faults.js';
import { Market } from './matching.js';
import { binanceRoutes, stateJson, type RouteContext } from './routes.js';
import { BinanceError, checkSigned, DEFAULT_API_KEY, DEFAULT_SECRET } from './signing.js';
import type { Emulator, EmulatorOptions, EmulatorState, FaultSpec } from './types.js';

/** rrr's timeframe labels that are Binance kline intervals, with Binance's spelling. */
const INTERVALS: Record<string, string> = {
  '1s': '1s', '1m': '1m', '3m': '3m', '5m': '5m', '15m': '15m', '30m': '30m', '1h': '1h', '2h': '2h', '4h': '4h',
  '6h': '6h', '8h': '8h', '12h': '12h', '1d': '1d', '3d': '3d', '1w': '1w', '1mo': '1M',
};
export const BINANCE_INTERVALS = Object.keys(INTERVALS);

/** BASE/QUOTE or BASE-QUOTE; a bare name is quoted in USDT. Binance's id is both, upper case, without separator. */
export function parseMarketSymbol(symbol: string): { base: string; quote: string; id: string; unified: string } {
  const parts = symbol.toUpperCase().split(/[/-]/);
  const [base, quote] = parts.length === 2 && parts[0] && parts[1] ? parts : [parts.join(''), 'USDT'];
  const clean = (s: string) => s.replace(/[^A-Z0-9]/g, '');
  if (!clean(base) || !clean(quote)) throw new RangeError(`Symbol "${symbol}" does not name a market: use BASE/QUOTE, e.g. BTC/USDT.`);
  return { base: clean(base), quote: clean(quote), id: clean(base) + clean(quote), unified: `${clean(base)}/${clean(quote)}` };
}

function checkOptions(o: EmulatorOptions): void {
  const positive = (name: string, x: number | undefined, allowZero = false) => {
    if (x !== undefined && !(Number.isFinite(x) && (allowZero ? x >= 0 : x > 0))) throw new RangeError(`${name} must be a ${allowZero ? 'number, 0 or more' : 'positive number'} (got ${x}).`);
  };
  if (o.bars.length === 0) throw new RangeError('The emulator needs at least one bar.');
  if (o.closedBars !== undefined && !(Number.isInteger(o.closedBars) && o.closedBars >= 0 && o.closedBars <= o.bars.length)) {
    throw new RangeError(`closedBars must be a whole number from 0 to ${o.bars.length}, the number of bars (got ${o.closedBars}).`);
  }
  positive('speed', o.speed, true);
  if (o.feeRate !== undefined && !(o.feeRate >= 0 && o.feeRate < 1)) throw new RangeError(`feeRate must be from 0 to below 1 (got ${o.feeRate}).`);
  if (o.volumeShare !== undefined && !(o.volumeShare > 0)) throw new RangeError(`volumeShare must be above 0 (Infinity for no cap; got ${o.volumeShare}).`);
  for (const [asset, amount] of Object.entries(o.balances ?? {})) positive(`The balance of ${asset}`, amount, true);
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) throw new RangeError(`port must be from 0 to 65535 (got ${o.port}).`);
}

/**
 * A local Binance spot exchange for one symbol, serving the given bars on 127.0.0.1 (see index.ts for its
 * semantics). Resolves once it listens.
 */
export async function startEmulator(o: EmulatorOptions): Promise<Emulator> {
  checkOptions(o);
  const tf = parseTimeframe(o.timeframe);
  const interval = INTERVALS[tf.label];
  if (interval === undefined) throw new RangeError(`Binance has no ${tf.label} klines: use one of ${BINANCE_INTERVALS.join(', ')}.`);
  const { base, quote, id } = parseMarketSymbol(o.symbol);
  const filters = deriveFilters(o.bars, o.filters);
  const credentials = { apiKey: o.apiKey ?? DEFAULT_API_KEY, secret: o.secret ?? DEFAULT_SECRET };
  const market = new Market(
    o.bars, base, quote, filters, o.feeRate ?? 0.001, o.volumeShare ?? 0.1, tf.ms,
    o.closedBars ?? o.bars.length - 1, o.balances ?? { [quote]: 10_000, [base]: 0 },
  );
  const ctx: RouteContext = { market, symbolId: id, interval, timeframe: tf };
  const routes = binanceRoutes(ctx);
  const faults = new FaultQueue();
  const sockets = new Set<Socket>();

  const advance = (n = 1) => {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`Advance by a whole number of bars, 1 or more (got ${n}).`);
    const left = o.bars.length - market.closed;
    if (n > left) throw new RangeError(`Only ${left} bar${left === 1 ? ' is' : 's are'} left to close; asked for ${n}.`);
    for (let k = 0; k < n; k++) market.closeBar();
  };
  const state = (): EmulatorState => ({
    symbol: `${base}/${quote}`, timeframe: tf.label, closedBars: market.closed, totalBars: o.bars.length,
    formingBarTime: market.forming === undefined ? null : market.now,
    balances: Object.fromEntries([...market.balances.entries()].map(([asset, b]) => [asset, { ...b }])),
    ...stateJson(ctx),
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };

  function handle(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const rawQuery = url.search.slice(1);
    try {
      if (path.startsWith('/rrr/')) return admin(req.method ?? 'GET', path, url.searchParams, rawBody, res);
      const fault = faults.take(path);
      if (fault) return applyFault(fault, req, res);
      const route = routes.get(`${req.method} ${path}`);
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end(`${req.method} ${path} is not served: the rrr emulator speaks Binance's spot API (/api/v3) for ${id} only.`);
        return;
      }
      const params = new URLSearchParams(rawQuery + (rawQuery && rawBody ? '&' : '') + rawBody);
      if (route.signed) checkSigned({ apiKey: req.headers['x-mbx-apikey'] as string | undefined, rawQuery, rawBody, params }, credentials, Date.now());
      send(res, 200, route.handle(params));
    } catch (error) {
      if (error instanceof BinanceError) return send(res, error.status, { code: error.code, msg: error.message }, error.headers);
      send(res, 500, { code: -1000, msg: `An unknown error occurred while processing the request: ${(error as Error).message}` });
    }
  }

  function applyFault(fault: ReturnType<FaultQueue['take']> & object, req: IncomingMessage, res: ServerResponse): void {
    const retry = { 'Retry-After': String(fault.retryAfter) };
    switch (fault.kind) {
      case 'rate-limit':
        return send(res, 429, { code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.' }, retry);
      case 'ban':
        return send(res, 418, { code: -1003, msg: `Way too many requests; IP(127.0.0.1) banned until ${Date.now() + fault.retryAfter * 1000}. Please use the websocket for live updates to avoid bans.` }, retry);
      case 'server-error':
        res.writeHead(fault.status, { 'Content-Type': 'text/html' });
        res.end(`<html><body><h1>${fault.status} Service Unavailable</h1></body></html>`);
        return;
      case 'timeout':
        return; // no answer: the client's own timeout decides
      case 'drop':
        req.socket.destroy();
    }
  }

  function admin(method: string, path: string, query: URLSearchParams, rawBody: string, res: ServerResponse): void {
    try {
      if (method === 'POST' && path === '/rrr/advance') {
        const text = query.get('bars');
        advance(text === null ? 1 : Number(text));
        return send(res, 200, { closedBars: market.closed, formingBarTime: market.forming === undefined ? null : market.now });
      }
      if (method === 'POST' && path === '/rrr/fault') {
        let spec: unknown;
        try {
          spec = JSON.parse(rawBody);
        } catch {
          throw new RangeError('The fault must be a JSON object such as {"kind":"rate-limit","count":2}.');
        }
        faults.add(spec as FaultSpec);
        return send(res, 200, { ok: true });
      }
      if (method === 'GET' && path === '/rrr/state') return send(res, 200, state());
      send(res, 404, { error: `${method} ${path} is not an emulator command: POST /rrr/advance?bars=N, POST /rrr/fault, GET /rrr/state.` });
    } catch (error) {
      if (error instanceof RangeError) return send(res, 400, { error: error.message });
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;

  let timer: NodeJS.Timeout | undefined;
  const speed = o.speed ?? 0;
  if (speed > 0) {
    // Bars close on the wall clock at `speed` per second; a fast speed closes several per tick.
    const started = Date.now();
    const startClosed = market.closed;
    timer = setInterval(() => {
      const due = Math.min(o.bars.length, startClosed + Math.floor(((Date.now() - started) * speed) / 1000));
      while (market.closed < due) market.closeBar();
      if (market.closed >= o.bars.length) clearInterval(timer);
    }, Math.max(10, Math.min(1000, 1000 / speed)));
    timer.unref();
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey: credentials.apiKey,
    secret: credentials.secret,
    advance,
    injectFault: (fault) => faults.add(fault),
    get closedBars() {
      return market.closed;
    },
    state,
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
