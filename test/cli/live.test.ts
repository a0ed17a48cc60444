import { existsSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/exchange/emulator/index.js';
import { readCsvBars } from '../helpers/shared.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const KEY = 'PLANTED-cli-key-5e1d';
const SECRET = 'PLANTED-cli-secret-a9c4';
const BIN = resolve('bin/run.js');

function runAsync(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, RRR_DB: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => done({ status: code ?? -1, stdout, stderr }));
  });
}

describe('rrr live and rrr paper --feed exchange against rrr\'s Binance emulator', () => {
  let emulator: Emulator;
  const base = ['--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--history', '50'];
  beforeAll(async () => {
    emulator = await startEmulator({ bars: readCsvBars('datasets/demo-a_1d.csv'), symbol: 'BTC/USDT', timeframe: '1d', closedBars: 300, apiKey: KEY, secret: SECRET, speed: 8 });
  });
  afterAll(async () => emulator.close());

  it('refuses without --live, RRR_LIVE=1, keys, a 0600 key file or a confirmation, with one sentence and no order sent', () => {
    const dir = tempDir();
    const url = ['--exchange-url', emulator.url];
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ apiKey: KEY, secret: SECRET }));
    chmodSync(file, 0o644);
    const keys = { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET };
    const cases: [string[], Record<string, string | undefined>, RegExp][] = [
      [[...base, ...url], keys, /^Error: rrr live sends real orders and needs --live \(with RRR_LIVE=1\): for a rehearsal without money use rrr paper --feed exchange\.\n$/],
      [[...base, ...url, '--live', '--yes-i-understand'], { ...keys, RRR_LIVE: undefined }, /^Error: --live trades real money only when the environment variable RRR_LIVE=1 is set as well \(RRR_LIVE is not set\): nothing was sent\.\n$/],
      [[...base, ...url, '--live', '--yes-i-understand'], { RRR_LIVE: '1', BINANCE_API_KEY: undefined, BINANCE_API_SECRET: undefined, RRR_API_KEY: undefined, RRR_API_SECRET: undefined }, /^Error: .*key.*\n$/i],
      [[...base, ...url, '--live', '--yes-i-understand', '--key-file', file], { RRR_LIVE: '1' }, /chmod 600/],
      [[...base, ...url, '--live'], { ...keys, RRR_LIVE: '1' }, /^Error: --live needs a confirmation: answer the question on a terminal, or pass --yes-i-understand when not at one; nothing was sent\.\n$/],
      [[...base.slice(2), '--exchange', 'binanse', ...url, '--live', '--yes-i-understand'], { ...keys, RRR_LIVE: '1', BINANSE_API_KEY: KEY, BINANSE_API_SECRET: SECRET }, /binance/],
      [[...base, '--exchange-url', 'http://127.0.0.1:1', '--live', '--yes-i-understand'], { ...keys, RRR_LIVE: '1' }, /^Error: Could not reach binance at http:\/\/127\.0\.0\.1:1/],
    ];
    for (const [args, env, message] of cases) {
      const r = rrr(['live', ...args], { cwd: dir, env });
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr + r.stdout).not.toContain(SECRET);
    }
    expect(emulator.state().trades).toEqual([]);
    expect(existsSync(join(dir, '.rrr', 'live'))).toBe(false);
  }, 120_000);

  it('a live rehearsal trades on the emulator; the keys appear in no output, journal or file', async () => {
    const dir = tempDir();
    const r = await runAsync(['live', ...base, '--exchange-url', emulator.url, '--live', '--yes-i-understand', '--max-bars', '12', '--cash', '5000', '--json'], dir, { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET, RRR_LIVE: '1' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.runId).toBe('live-1');
    expect(out.stoppedBy).toBe('max-bars');
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const folder = join(dir, '.rrr', 'live', 'live-1');
    for (const file of readdirSync(folder)) {
      const text = readFileSync(join(folder, file), 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET);
    }
    const status = rrr(['status', 'live-1', '--json'], { cwd: dir });
    expect(status.status).toBe(0);
    expect(status.stdout).not.toContain(KEY);
    expect(status.json().status.config.broker).toBe('exchange');
  }, 120_000);

  it('rrr paper --feed exchange runs on the venue\'s bars and sends nothing to it', async () => {
    const dir = tempDir();
    const before = emulator.state().trades.length;
    const r = await runAsync(['paper', '--feed', 'exchange', ...base, '--exchange-url', emulator.url, '--max-bars', '8', '--json'], dir, {});
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).runId).toBe('paper-1');
    expect(emulator.state().trades.length).toBe(before);
    const bad = rrr(['paper', ...base, '--data', 'x.csv'], { cwd: dir });
    expect(bad.stderr).toMatch(/^Error: --exchange applies to --feed exchange only: add --feed exchange or remove it\.\n$/);
  }, 120_000);
});
