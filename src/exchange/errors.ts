/**
 * The one place ccxt's errors become rrr's: each is classed as retryable (the network, the venue's rate limit,
 * a venue briefly down) or not (a refused order, missing funds, bad keys), and told as one sentence.
 * ccxt's own messages carry the request URL (with its signature) and the raw body, so they are never shown
 * as they are: only the venue's short `msg` is quoted, and any secret the caller names is blanked out of it.
 */
import { UserError } from '../errors.js';

export type ExchangeErrorKind =
  | 'network'
  | 'timeout'
  | 'rate-limit'
  | 'unavailable'
  | 'invalid-order'
  | 'insufficient-funds'
  | 'authentication'
  | 'bad-symbol'
  | 'order-not-found'
  | 'not-supported'
  | 'exchange';

/** A failed exchange call, as rrr reports and retries it. */
export class ExchangeFailure extends UserError {
  readonly kind: ExchangeErrorKind;
  /** Whether the same request may succeed if sent again later. */
  readonly retryable: boolean;
  /** How long the venue asked us to wait (its Retry-After), when it said. */
  readonly retryAfterMs?: number;
  /** The venue's own short reason (e.g. "Filter failure: LOT_SIZE"), secrets removed. */
  readonly venueMessage?: string;

  constructor(
    message: string,
    options: { kind: ExchangeErrorKind; retryable: boolean; retryAfterMs?: number; venueMessage?: string; exitCode?: 1 | 2; cause?: unknown },
  ) {
    super(message, { code: `RRR_EXCHANGE_${options.kind.toUpperCase().replace(/-/g, '_')}`, exitCode: options.exitCode ?? 1, cause: options.cause });
    this.name = 'ExchangeFailure';
    this.kind = options.kind;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.venueMessage = options.venueMessage;
  }
}

export interface ErrorContext {
  /** The venue's name as the user typed it, e.g. "binance". */
  readonly exchange: string;
  /** The base URL the client talks to (the --exchange-url or the venue's own), named when it is unreachable. */
  readonly url?: string;
  /** What was being done, e.g. "placing order rrr-1-3" (no secrets). */
  readonly action?: string;
  /** Strings that must never appear in a message (API key, secret). */
  readonly secrets?: readonly (string | undefined)[];
  /** The Retry-After the venue sent with this failure, in ms. */
  readonly retryAfterMs?: number;
}

/** ccxt names its error classes; walking the prototype chain tells e.g. that RateLimitExceeded is a NetworkError. */
function ccxtClasses(error: unknown): Set<string> {
  const names = new Set<string>();
  let proto = error !== null && typeof error === 'object' ? Object.getPrototypeOf(error) : null;
  while (proto && proto !== Object.prototype) {
    const name = (proto.constructor as { name?: string } | undefined)?.name;
    if (name) names.add(name);
    proto = Object.getPrototypeOf(proto);
  }
  const own = (error as { name?: unknown } | null)?.name;
  if (typeof own === 'string') names.add(own);
  return names;
}

/** Replaces every secret in `text` (keys are long random strings: an exact match is enough). */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** The venue's `msg` out of a ccxt message such as `binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}`. */
export function venueMessageOf(message: string): string | undefined {
  const start = message.indexOf('{');
  const end = message.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const body = JSON.parse(message.slice(start, end + 1)) as { msg?: unknown; message?: unknown };
    const msg = body.msg ?? body.message;
    return typeof msg === 'string' && msg.trim() !== '' ? msg.trim().replace(/\.$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/** The transport's reason (e.g. "connect ECONNREFUSED 127.0.0.1:9") for an unreachable venue. */
function networkCause(message: string): string | undefined {
  const code = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT|other side closed|socket hang up)\b/i.exec(message);
  if (!code) return undefined;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    EPIPE: 'connection dropped',
    UND_ERR_SOCKET: 'connection dropped',
  };
  return known[code[1].toUpperCase()] ?? 'connection dropped';
}

/** Parses a Retry-After header (seconds or an HTTP date) to ms, relative to `now`. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Whether ccxt threw `error` (anything else, e.g. a TypeError of ours, is passed on as it is by the callers). */
export function isCcxtError(error: unknown): boolean {
  return error instanceof ExchangeFailure || ccxtClasses(error).has('BaseError');
}

/** rrr's failure for an error thrown by a ccxt call (anything else becomes a non-retryable 'exchange' one). */
export function exchangeFailure(error: unknown, context: ErrorContext): ExchangeFailure {
  if (error instanceof ExchangeFailure) return error;
  const classes = ccxtClasses(error);
  const raw = redact(error instanceof Error ? error.message : String(error), context.secrets);
  const venue = venueMessageOf(raw);
  const quoted = venue ? ` ("${redact(venue, context.secrets)}")` : '';
  const where = context.url ? ` at ${context.url}` : '';
  const doing = context.action ? ` while ${context.action}` : '';
  const name = context.exchange;
  const wait = context.retryAfterMs !== undefined ? `; it asked to wait ${Math.ceil(context.retryAfterMs / 1000)} s` : '';
  const make = (kind: ExchangeErrorKind, retryable: boolean, message: string, exitCode: 1 | 2 = 1) =>
    new ExchangeFailure(message, { kind, retryable, retryAfterMs: context.retryAfterMs, venueMessage: venue, exitCode, cause: error });

  if (classes.has('RateLimitExceeded') || classes.has('DDoSProtection')) {
    const status = /\b(418|429)\b/.exec(raw)?.[1];
    return make('rate-limit', true, `${name} refused the request${doing} for exceeding its rate limit${status ? ` (HTTP ${status})` : ''}${wait}.`);
  }
  if (classes.has('RequestTimeout')) return make('timeout', true, `${name}${where} did not answer in time${doing}.`);
  if (classes.has('ExchangeNotAvailable') || classes.has('OnMaintenance')) {
    const status = /\b(5\d\d|4\d\d)\b/.exec(raw)?.[1];
    return make('unavailable', true, `${name}${where} is not available${doing}${status ? ` (HTTP ${status})` : ''}${quoted}.`);
  }
  if (classes.has('NetworkError') || classes.has('InvalidNonce')) {
    const cause = networkCause(raw);
    return make('network', true, `Could not reach ${name}${where}${doing}${cause ? ` (${cause})` : ''}: check the URL and the network.`);
  }
  if (classes.has('AuthenticationError')) {
    return make('authentication', false, `${name} refused the API key${doing}${quoted}: check the key, its secret and its permissions.`, 2);
  }
  if (classes.has('InsufficientFunds')) return make('insufficient-funds', false, `${name} refused the order${doing} for insufficient balance${quoted}.`);
  if (classes.has('OrderNotFound')) return make('order-not-found', false, `${name} does not know the order${doing}${quoted}.`);
  if (classes.has('InvalidOrder')) return make('invalid-order', false, `${name} refused the order${doing}${quoted || `: ${firstSentence(raw, name)}`}.`);
  if (classes.has('BadSymbol')) return make('bad-symbol', false, `${name} does not list that symbol${doing}${quoted}.`, 2);
  if (classes.has('NotSupported')) return make('not-supported', false, `${name} does not support that${doing}${quoted || `: ${firstSentence(raw, name)}`}.`);
  if (classes.has('BaseError')) return make('exchange', false, `${name} failed${doing}${quoted || `: ${firstSentence(raw, name)}`}.`);
  return make('exchange', false, `${name} failed${doing}: ${firstSentence(raw, name)}.`);
}

/** A ccxt message without its "binance " prefix, URL or body, cut to one sentence. */
function firstSentence(message: string, name: string): string {
  let text = message.replace(/https?:\/\/\S+/g, '').replace(/\{.*\}/s, '').trim();
  if (text.toLowerCase().startsWith(name.toLowerCase())) text = text.slice(name.length).trim();
  text = text.split(/(?<=[.!?])\s/)[0]?.replace(/[.\s]+$/, '') ?? '';
  return text === '' ? 'no reason given' : text;
}
