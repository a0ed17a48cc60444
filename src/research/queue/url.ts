/**
 * A --queue URL: redis://[user:password@]host[:port][/db][?name=QUEUE] or rediss:// for TLS. The password is
 * kept for the connection only: everything shown or logged uses `display`, which never holds it.
 */
import { UserError } from '../../errors.js';

export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  /** TLS server name, when the host is an address (?servername=...). */
  servername?: string;
  username?: string;
  password?: string;
  db: number;
  /** The BullMQ queue name (default "rrr"): several sweeps can share one Redis with different names. */
  queue: string;
  /** The URL with the password replaced by "***": safe to print. */
  display: string;
}

const EXAMPLE = 'e.g. redis://127.0.0.1:6379 or rediss://:PASSWORD@HOST:6380';

export function parseQueueUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--queue ${redactUrl(text)} is not a Redis URL: give redis://HOST[:PORT] or rediss://HOST[:PORT] for TLS (${EXAMPLE}).`, { code: 'RRR_BAD_QUEUE_URL' });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UserError(`--queue ${redactUrl(text)} is not a Redis URL (it starts with ${url.protocol}//): give redis://HOST[:PORT] or rediss://HOST[:PORT] for TLS (${EXAMPLE}).`, { code: 'RRR_BAD_QUEUE_URL' });
  }
  const tls = url.protocol === 'rediss:';
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!(Number.isInteger(db) && db >= 0 && db <= 15 && /^\d*$/.test(path))) throw new UserError(`--queue ${redactUrl(text)} names database "${path}": give a number from 0 to 15 after the host, e.g. redis://HOST:6379/0.`, { code: 'RRR_BAD_QUEUE_URL' });
  const queue = url.searchParams.get('name') ?? 'rrr';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(queue)) throw new UserError(`--queue ${redactUrl(text)} names queue "${queue}": a queue name is 1 to 64 letters, digits, "_", "." or "-".`, { code: 'RRR_BAD_QUEUE_URL' });
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new UserError(`--queue ${redactUrl(text)} has no host: ${EXAMPLE}.`, { code: 'RRR_BAD_QUEUE_URL' });
  const servername = url.searchParams.get('servername') ?? undefined;
  return {
    host,
    port,
    tls,
    ...(servername === undefined ? {} : { servername }),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    db,
    queue,
    display: redactUrl(text),
  };
}

/** The URL as it may be printed: any password (the part after "user:" before "@") replaced by "***". */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^@/]*@/i, '$1***@');
}
