import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';

/**
 * API keys for an exchange: from the environment or a key file only the user can read. They are never put
 * in an error, the journal, the store or any output: `redactor` masks them in any text that might carry them.
 */

export interface ApiKeys {
  readonly apiKey: string;
  readonly secret: string;
  /** Where they came from, for messages: "RRR_API_KEY/RRR_API_SECRET", "BINANCE_API_KEY/...", or the file. */
  readonly source: string;
}

export interface KeyOptions {
  /** ccxt's exchange id (binance): BINANCE_API_KEY / BINANCE_API_SECRET are looked at before RRR_API_*. */
  readonly exchange?: string;
  /** --key-file: JSON {"apiKey": "...", "secret": "..."} with mode 0600. */
  readonly keyFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The environment variables' prefix for an exchange id: "binanceus" -> "BINANCEUS", "gate.io" -> "GATE_IO". */
export function envPrefix(exchange: string): string {
  return exchange.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The keys the user gave, or undefined when none were given (a paper run needs none). A key file wins over
 * the environment; an exchange's own variables over RRR_API_*. Half a pair is refused with one sentence.
 */
export function loadKeys(options: KeyOptions = {}): ApiKeys | undefined {
  if (options.keyFile !== undefined) return readKeyFile(options.keyFile);
  const env = options.env ?? process.env;
  const prefixes = [...(options.exchange ? [envPrefix(options.exchange)] : []), 'RRR'];
  for (const prefix of prefixes) {
    const keyName = `${prefix}_API_KEY`;
    const secretName = `${prefix}_API_SECRET`;
    const apiKey = env[keyName]?.trim();
    const secret = env[secretName]?.trim();
    if (!apiKey && !secret) continue;
    if (!apiKey || !secret) {
      const [given, missing] = apiKey ? [keyName, secretName] : [secretName, keyName];
      throw new UserError(`${given} is set but ${missing} is not: set both, or neither and use --key-file FILE.`, { code: 'RRR_KEYS_INCOMPLETE' });
    }
    return { apiKey, secret, source: `${keyName}/${secretName}` };
  }
  return undefined;
}

/** The keys, required (live trading): one sentence saying where they may come from otherwise. */
export function requireKeys(options: KeyOptions = {}): ApiKeys {
  const keys = loadKeys(options);
  if (keys) return keys;
  const own = options.exchange ? `${envPrefix(options.exchange)}_API_KEY and ${envPrefix(options.exchange)}_API_SECRET, or ` : '';
  throw new UserError(`No API keys given: set ${own}RRR_API_KEY and RRR_API_SECRET in the environment, or pass --key-file FILE (JSON {"apiKey", "secret"}, mode 0600).`, { code: 'RRR_KEYS_MISSING' });
}

function readKeyFile(file: string): ApiKeys {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new UserError(`Key file ${file} does not exist: give a JSON file {"apiKey", "secret"} with mode 0600.`, { code: 'RRR_KEYS_MISSING' });
  if (!stat.isFile()) throw new UserError(`Key file ${file} is not a file: give a JSON file {"apiKey", "secret"} with mode 0600.`, { code: 'RRR_KEYS_BAD' });
  // Windows has no such modes: there the folder's ACL is the user's business.
  const mode = stat.mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UserError(`Key file ${file} has mode ${mode.toString(8).padStart(4, '0')}, readable by others: run "chmod 600 ${file}" so only you can read it.`, { code: 'RRR_KEYS_PERMISSIONS' });
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // JSON.parse's own message quotes the text, which is the secret: say only where.
    throw new UserError(`Key file ${file} is not valid JSON: give {"apiKey": "...", "secret": "..."}.`, { code: 'RRR_KEYS_BAD' });
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const missing = ['apiKey', 'secret'].filter((k) => typeof record[k] !== 'string' || (record[k] as string).trim() === '');
  if (typeof value !== 'object' || Array.isArray(value) || missing.length > 0) {
    throw new UserError(`Key file ${file} has no ${missing.length > 0 ? missing.map((k) => `"${k}"`).join(' or ') : '"apiKey" or "secret"'} string: give {"apiKey": "...", "secret": "..."}.`, { code: 'RRR_KEYS_BAD' });
  }
  return { apiKey: (record.apiKey as string).trim(), secret: (record.secret as string).trim(), source: file };
}

/**
 * A function masking every given secret in a text (and their URL-encoded forms, as they appear in query
 * strings). Very short strings are not masked: they would blank out ordinary text, and are no real secret.
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  const pattern = new RegExp(ordered.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, '***');
}

/** A redactor for a pair of keys (undefined keys: nothing to mask). */
export function keysRedactor(keys: ApiKeys | undefined): (text: string) => string {
  return redactor(keys ? [keys.apiKey, keys.secret] : []);
}
