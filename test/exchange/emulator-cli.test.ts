import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/exchange/emulator/index.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';
import { barsOf, binanceClient, readDemoCsv } from './emulator-helpers.js';

const DEMO = 'datasets/demo-a_1d.csv';
const rows = readDemoCsv(DEMO);

/** Starts `rrr emulator ... --json` and resolves with its first stdout line (it then serves until signalled). */
function serve(args: string[]): Promise<{ child: ChildProcess; info: any; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [resolve('bin/run.js'), 'emulator', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RRR_DB: undefined } });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', (line) => done({ child, info: JSON.parse(line), exited }));
    child.once('exit', (code) => fail(new Error(`rrr emulator exited ${code} before serving: ${stderr}`)));
  });
}

describe('rrr emulator', () => {
  it('serves a file: prints one JSON line (url, test credentials), ccxt trades on it, SIGTERM stops it with exit 0', async () => {
    const { child, info, exited } = await serve(['--exchange', 'binance', '--data', DEMO, '--symbol', 'BTC/USDT', '--timeframe', '1d', '--port', '0', '--closed-bars', '100', '--balance', 'USDT=5000']);
    try {
      expect(info).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT', binanceSymbol: 'BTCUSDT', timeframe: '1d', closedBars: 100, totalBars: rows.length, balances: { USDT: 5000 } });
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ex = await binanceClient(info);
      const candles = await ex.fetchOHLCV('BTC/USDT', '1d', undefined, 2);
      expect(candles[0]).toEqual([rows[99].time, rows[99].open, rows[99].high, rows[99].low, rows[99].close, rows[99].volume]);
      const order = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01);
      expect(order.average).toBe(rows[100].open);
      expect(await (await fetch(`${info.url}/rrr/advance?bars=3`, { method: 'POST' })).json()).toEqual({ closedBars: 103, formingBarTime: rows[103].time });
      expect((await ex.fetchTicker('BTC/USDT')).last).toBe(rows[103].open);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('serves a stored symbol, reading the store without changing it', async () => {
    const dir = tempDir();
    const db = join(dir, 'rrr.duckdb');
    expect(rrr(['data', 'import', DEMO, '--symbol', 'BTC-USDT', '--timeframe', '1d', '--db', db]).status).toBe(0);
    const before = fileSha(db);
    const { child, info, exited } = await serve(['--symbol', 'BTC-USDT', '--timeframe', '1d', '--db', db, '--port', '0']);
    try {
      expect(info).toMatchObject({ symbol: 'BTC/USDT', binanceSymbol: 'BTCUSDT', closedBars: rows.length - 1 });
      const ex = await binanceClient(info);
      expect((await ex.fetchOHLCV('BTC/USDT', '1d', rows[10].time, 1))[0][4]).toBe(rows[10].close);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(fileSha(db)).toBe(before);
  });

  it('refuses an exchange it does not emulate, a bad balance and impossible --closed-bars in one sentence with exit 2', () => {
    const kraken = rrr(['emulator', '--exchange', 'kraken', '--data', DEMO, '--symbol', 'BTC/USDT']);
    expect(kraken.status).toBe(2);
    expect(kraken.stderr.trim()).toBe('Error: --exchange kraken is not emulated: only binance is (its spot REST API, as ccxt\'s binance class calls it).');
    const balance = rrr(['emulator', '--data', DEMO, '--symbol', 'BTC/USDT', '--balance', 'USDT:100']);
    expect(balance.status).toBe(2);
    expect(balance.stderr.trim()).toBe('Error: --balance "USDT:100" is not ASSET=AMOUNT with an amount of 0 or more, e.g. --balance USDT=10000.');
    const closed = rrr(['emulator', '--data', DEMO, '--symbol', 'BTC/USDT', '--closed-bars', '99999', '--port', '0']);
    expect(closed.status).toBe(2);
    expect(closed.stderr.trim()).toBe(`Error: closedBars must be a whole number from 0 to ${rows.length}, the number of bars (got 99999).`);
    expect(closed.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe('a port in use', () => {
    let port = 0;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const other = await startEmulator({ bars: barsOf(rows.slice(0, 5)), symbol: 'BTC/USDT', timeframe: '1d' });
      port = other.port;
      close = other.close;
    });
    afterAll(() => close());
    it('is refused with exit 1 and a way out', () => {
      const r = rrr(['emulator', '--data', DEMO, '--symbol', 'BTC/USDT', '--port', String(port)]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`Error: Port ${port} on 127.0.0.1 is in use: pass --port with another, or --port 0 for a free one.`);
    });
  });
});
