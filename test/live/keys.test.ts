import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { envPrefix, keysRedactor, loadKeys, redactor, requireKeys } from '../../src/live/keys.js';
import { liveGate, passLiveGate } from '../../src/live/live-gate.js';
import { tempDir } from '../helpers/cli.js';

const KEY = 'PLANTEDKEY-7f3a9c';
const SECRET = 'PLANTED/SECRET+9x=';

/** The message of what fn throws, checked to be a one-sentence UserError that leaks no planted key. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).not.toContain(KEY);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a refusal');
}

function keyFile(content: string, mode: number): string {
  const file = join(tempDir('rrr-keys-'), 'keys.json');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

describe('API keys', () => {
  it('come from the exchange\'s own variables first, then RRR_API_*', () => {
    const env = { RRR_API_KEY: 'rrr-key', RRR_API_SECRET: 'rrr-secret', BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET };
    expect(loadKeys({ exchange: 'binance', env })).toEqual({ apiKey: KEY, secret: SECRET, source: 'BINANCE_API_KEY/BINANCE_API_SECRET' });
    expect(loadKeys({ exchange: 'kraken', env })).toEqual({ apiKey: 'rrr-key', secret: 'rrr-secret', source: 'RRR_API_KEY/RRR_API_SECRET' });
    expect(loadKeys({ env: {} })).toBeUndefined();
    expect(envPrefix('gate.io')).toBe('GATE_IO');
  });

  it('half a pair is refused, naming the variable missing', () => {
    expect(refusal(() => loadKeys({ exchange: 'binance', env: { BINANCE_API_KEY: KEY } }))).toBe(
      'BINANCE_API_KEY is set but BINANCE_API_SECRET is not: set both, or neither and use --key-file FILE.',
    );
    expect(refusal(() => loadKeys({ env: { RRR_API_SECRET: SECRET } }))).toBe('RRR_API_SECRET is set but RRR_API_KEY is not: set both, or neither and use --key-file FILE.');
    expect(refusal(() => requireKeys({ exchange: 'binance', env: {} }))).toMatch(/^No API keys given: set BINANCE_API_KEY and BINANCE_API_SECRET, or RRR_API_KEY and RRR_API_SECRET/);
  });

  it('a key file with mode 0600 is read; 0644 and 0640 are refused with chmod 600', () => {
    const good = keyFile(JSON.stringify({ apiKey: KEY, secret: SECRET }), 0o600);
    // The key file wins over the environment.
    expect(loadKeys({ keyFile: good, env: { RRR_API_KEY: 'a', RRR_API_SECRET: 'b' } })).toEqual({ apiKey: KEY, secret: SECRET, source: good });
    for (const mode of [0o644, 0o640, 0o604]) {
      const open = keyFile(JSON.stringify({ apiKey: KEY, secret: SECRET }), mode);
      expect(refusal(() => loadKeys({ keyFile: open }))).toBe(
        `Key file ${open} has mode 0${mode.toString(8)}, readable by others: run "chmod 600 ${open}" so only you can read it.`,
      );
    }
  });

  it('a broken key file is refused without quoting it', () => {
    expect(refusal(() => loadKeys({ keyFile: keyFile(`{"apiKey": "${KEY}", "secret": "${SECRET}"`, 0o600) }))).toMatch(/is not valid JSON: give \{"apiKey": "\.\.\.", "secret": "\.\.\."\}\.$/);
    expect(refusal(() => loadKeys({ keyFile: keyFile(JSON.stringify({ apiKey: KEY }), 0o600) }))).toMatch(/has no "secret" string/);
    expect(refusal(() => loadKeys({ keyFile: keyFile(JSON.stringify([KEY, SECRET]), 0o600) }))).toMatch(/has no "apiKey" or "secret" string/);
    expect(refusal(() => loadKeys({ keyFile: '/nonexistent/keys.json' }))).toBe('Key file /nonexistent/keys.json does not exist: give a JSON file {"apiKey", "secret"} with mode 0600.');
  });

  it('the redactor masks every key, raw and URL-encoded, longest first', () => {
    const redact = keysRedactor({ apiKey: KEY, secret: SECRET, source: 'env' });
    const text = `GET /api/v3/order?apiKey=${KEY}&sig=${encodeURIComponent(SECRET)} failed for ${SECRET} (${KEY}${KEY})`;
    const masked = redact(text);
    expect(masked).toBe('GET /api/v3/order?apiKey=***&sig=*** failed for *** (******)');
    expect(redactor(['ab', undefined])('ab cd')).toBe('ab cd');
    expect(redactor(['a.b*c'])('xa.b*cx aXbbc')).toBe('x***x aXbbc');
  });
});

describe('live gate', () => {
  const question = (what?: string) => liveGate({ live: true, yesIUnderstand: false, terminal: true, env: { RRR_LIVE: '1' }, what });

  it('paper without --live; --live needs RRR_LIVE=1 and a confirmation', () => {
    expect(liveGate({ live: false, yesIUnderstand: false, terminal: false, env: { RRR_LIVE: '1' } })).toEqual({ mode: 'paper' });
    expect(refusal(() => liveGate({ live: true, yesIUnderstand: true, terminal: true, env: {} }))).toBe(
      '--live trades real money only when the environment variable RRR_LIVE=1 is set as well (RRR_LIVE is not set): nothing was sent.',
    );
    expect(refusal(() => liveGate({ live: true, yesIUnderstand: true, terminal: true, env: { RRR_LIVE: 'yes' } }))).toMatch(/\(RRR_LIVE is "yes"\)/);
    expect(refusal(() => liveGate({ live: true, yesIUnderstand: false, terminal: false, env: { RRR_LIVE: '1' } }))).toBe(
      '--live needs a confirmation: answer the question on a terminal, or pass --yes-i-understand when not at one; nothing was sent.',
    );
    expect(refusal(() => liveGate({ live: false, yesIUnderstand: true, terminal: true, env: {} }))).toMatch(/needs --live/);
    expect(liveGate({ live: true, yesIUnderstand: true, terminal: false, env: { RRR_LIVE: '1' } })).toEqual({ mode: 'live', ask: null });
    expect(question('BTC/USDT on binance')).toEqual({ mode: 'live', ask: 'Trade REAL MONEY (BTC/USDT on binance)? Orders will be sent to the exchange.' });
  });

  it('asks on a terminal and refuses a no', async () => {
    const asked: string[] = [];
    const input = { live: true, yesIUnderstand: false, terminal: true, env: { RRR_LIVE: '1' } };
    expect(await passLiveGate(input, async (q) => (asked.push(q), true))).toBe('live');
    await expect(passLiveGate(input, async () => false)).rejects.toThrow('Real-money trading was not confirmed: nothing was sent.');
    expect(await passLiveGate({ ...input, live: false }, async () => { throw new Error('must not ask'); })).toBe('paper');
    expect(asked).toHaveLength(1);
  });
});
