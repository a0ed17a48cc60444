import { ExchangeFailure, parseRetryAfter } from '../exchange/errors.js';

export interface GetJsonOptions {
  /** Who answers, in messages: "Polygon" (never the URL's query, which may hold a key). */
  name: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Reads the venue's own sentence from an error body. */
  message?: (body: unknown) => string | undefined;
}

/**
 * GET a JSON document; failures become ExchangeFailures, classed as rrr's exchange errors are (see
 * src/exchange/errors.ts): timeouts, dropped connections, 5xx and 429 (with its Retry-After) retryable.
 */
export async function getJson(url: string, options: GetJsonOptions): Promise<unknown> {
  const where = new URL(url).origin;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { name } = options;
  let response: Response;
  try {
    response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new ExchangeFailure(`${name} at ${where} did not answer within ${timeoutMs / 1000} s.`, { kind: 'timeout', retryable: true, cause: error });
    }
    const code = (error as { cause?: { code?: string } }).cause?.code;
    throw new ExchangeFailure(`Could not reach ${name} at ${where}${code ? ` (${code})` : ''}: check the URL and the network.`, { kind: 'network', retryable: true, cause: error });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ExchangeFailure(`${name} at ${where} dropped the connection mid-answer.`, { kind: 'network', retryable: true, cause: error });
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const status = response.status;
  if (response.ok) {
    if (body === undefined) throw new ExchangeFailure(`${name} at ${where} answered ${status} with a body that is not JSON.`, { kind: 'unavailable', retryable: true });
    return body;
  }
  const said = options.message?.(body)?.replace(/\.$/, '');
  const quoted = said ? ` ("${said}")` : '';
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after') ?? undefined);
    return Promise.reject(new ExchangeFailure(`${name} refused the request for exceeding its rate limit (HTTP 429)${retryAfterMs !== undefined ? `; it asked to wait ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`, { kind: 'rate-limit', retryable: true, retryAfterMs, venueMessage: said }));
  }
  if (status >= 500 || status === 408) {
    throw new ExchangeFailure(`${name} at ${where} is not available (HTTP ${status})${quoted}.`, { kind: 'unavailable', retryable: true, venueMessage: said });
  }
  if (status === 401) throw new ExchangeFailure(`${name} refused the API key (HTTP 401)${quoted}: check the key.`, { kind: 'authentication', retryable: false, venueMessage: said });
  throw new ExchangeFailure(`${name} refused the request (HTTP ${status})${quoted}.`, { kind: 'exchange', retryable: false, venueMessage: said });
}
