import { createHmac, timingSafeEqual } from 'node:crypto';

/** A Binance API error: its HTTP status, code and message exactly as the venue writes them. */
export class BinanceError extends Error {
  constructor(readonly status: number, readonly code: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export const ERR = {
  badKeyFormat: () => new BinanceError(401, -2014, 'API-key format invalid.'),
  badKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  badSignature: () => new BinanceError(400, -1022, 'Signature for this request is not valid.'),
  timestamp: () => new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  mandatory: (name: string) => new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  illegal: (name: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`),
  symbol: () => new BinanceError(400, -1121, 'Invalid symbol.'),
};

export const DEFAULT_API_KEY = 'rrr-emulator-key';
export const DEFAULT_SECRET = 'rrr-emulator-secret';

/**
 * Checks a signed request as Binance does: the key in X-MBX-APIKEY, `signature` = HMAC-SHA256(secret,
 * totalParams) where totalParams is the query string followed by the body (each without its signature), and
 * `timestamp` no more than 1 s ahead of the server's clock and no more than `recvWindow` ms (default 5000, at
 * most 60000) behind it.
 */
export function checkSigned(
  request: { apiKey: string | undefined; rawQuery: string; rawBody: string; params: URLSearchParams },
  credentials: { apiKey: string; secret: string },
  now: number,
): void {
  if (request.apiKey === undefined || request.apiKey === '' || !/^[\x21-\x7e]+$/.test(request.apiKey)) throw ERR.badKeyFormat();
  if (request.apiKey !== credentials.apiKey) throw ERR.badKey();
  const signature = request.params.get('signature');
  if (signature === null) throw ERR.mandatory('signature');
  const payload = stripSignature(request.rawQuery) + stripSignature(request.rawBody);
  const expected = createHmac('sha256', credentials.secret).update(payload).digest('hex');
  const given = Buffer.from(signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw ERR.badSignature();
  const timestamp = Number(request.params.get('timestamp'));
  if (!request.params.has('timestamp')) throw ERR.mandatory('timestamp');
  if (!Number.isFinite(timestamp)) throw ERR.illegal('timestamp');
  const recvText = request.params.get('recvWindow');
  const recvWindow = recvText === null ? 5000 : Number(recvText);
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) {
    throw new BinanceError(400, -1131, 'recvWindow must be less than 60000');
  }
  if (timestamp >= now + 1000 || now - timestamp > recvWindow) throw ERR.timestamp();
}

/** The parameters before `signature=` (which ccxt and Binance's docs put last); the rest is not signed. */
function stripSignature(raw: string): string {
  const at = raw.search(/(^|&)signature=/);
  return at < 0 ? raw : raw.slice(0, at);
}

export function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}
