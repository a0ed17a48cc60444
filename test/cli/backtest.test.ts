import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { loadBars } from '../../src/data/load.js';
import { rrr, tempDir } from '../helpers/cli.js';

let dir: string;
let db: string;

beforeAll(() => {
  dir = tempDir('rrr-backtest-');
  db = join(dir, 'store.duckdb');
  expect(rrr(['demo', '--db', db]).status).toBe(0);
});

describe('rrr backtest', () => {
  it('reproduces the standard benchmark result from a file: 1416 trades, final value 752.8744075930', () => {
    // Full float precision in the CSV (JS number text round-trips exactly).
    const bars = benchmarkBars(100_000);
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < bars.length; i++) lines.push(`${bars.time[i]},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`);
    const file = join(dir, 'bench.csv');
    writeFileSync(file, lines.join('\n'));
    const r = rrr(['backtest', '--strategy', 'sma-cross', '--data', file, '--fill', 'close', '--fees', '0.001', '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = r.json();
    expect(out.timeframe).toBe('1m');
    expect(out.trades.filter((t: { isOpen: boolean }) => !t.isOpen)).toHaveLength(1416);
    expect(out.metrics.finalEquity).toBeCloseTo(752.874407593, 6);
  });

  it('lists the built-in strategies with their parameters', () => {
    const r = rrr(['strategies', '--json']);
    expect(r.status).toBe(0);
    const names = r.json().strategies.map((s: { name: string }) => s.name);
    expect(names).toEqual(['sma-cross', 'ema-cross', 'macd-cross', 'rsi-reversion', 'bollinger-reversion', 'donchian-breakout', 'momentum', 'pairs']);
    expect(r.json().strategies[0].params.fast).toMatchObject({ kind: 'int', default: 10, min: 2, max: 200 });
    expect(rrr(['strategies']).stdout).toMatch(/--param fast=10 {2}\(int 2\.\.200; fast SMA window \(bars\)\)/);
  });

  it('prints settings, metrics and the last trades, and records the run', () => {
    const r = rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--param', 'fast=10', '--param', 'slow=50', '--fees', '0.001', '--slippage', '2', '--from', '2020-01-01', '--to', '2023-12-31', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Strategy\s+sma-cross fast=10 slow=50/);
    expect(r.stdout).toMatch(/Data\s+DEMO-A 1d, 2020-01-01T00:00:00Z \.\. 2023-12-31T00:00:00Z/);
    expect(r.stdout).toMatch(/Costs\s+fees 0\.1% of notional \+ 0 per order, slippage 2 bps/);
    expect(r.stdout).toMatch(/Sharpe\s+-?\d/);
    expect(r.stdout).toMatch(/Last \d+ of \d+ trades:/);
    const runId = Number(/Run\s+(\d+)/.exec(r.stdout)![1]);
    const shown = rrr(['runs', 'show', String(runId), '--db', db, '--json']).json();
    expect(shown).toMatchObject({ id: runId, strategy: 'sma-cross', symbols: ['DEMO-A'], timeframe: '1d', params: { fast: 10, slow: 50 } });
    expect(shown.settings).toMatchObject({ feeRate: 0.001, slippageBps: 2, fill: 'open' });
    const listed = rrr(['runs', 'list', '--db', db, '--json']).json();
    expect(listed.runs[0].id).toBe(runId);
  });

  it('--json carries camelCase metrics, the settings and every trade; the same data has the same fingerprint', async () => {
    const args = ['backtest', '--strategy', 'ema-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--fill', 'close', '--db', db, '--json'];
    const a = rrr(args).json();
    const b = rrr(args).json();
    for (const key of ['sharpe', 'totalReturnPct', 'maxDrawdownPct', 'finalEquity', 'tradeCount', 'cagrPct', 'sortino', 'calmar', 'winRatePct', 'profitFactor', 'feesPaid']) expect(a.metrics).toHaveProperty(key);
    expect(a.settings).toMatchObject({ fill: 'close', cash: 10000, direction: 'long' });
    expect(a.trades[0]).toHaveProperty('entryBar');
    expect(a.trades[0]).toHaveProperty('pnl');
    expect(a.dataFingerprint).toBe(b.dataFingerprint);
    expect(a.metrics).toEqual(b.metrics);
    expect(b.runId).toBe(a.runId + 1);
    // The trade P&L adds up to the change in equity (all fees included in the P&L).
    const totalPnl = a.trades.reduce((s: number, t: { pnl: number }) => s + t.pnl, 0);
    expect(totalPnl).toBeCloseTo(a.metrics.finalEquity - 10000, 6);
    const bars = await loadBars({ symbol: 'DEMO-A', timeframe: '1d', db });
    expect(a.metrics.bars).toBe(bars.length);
  });

  it('loads the README example strategy file, which trades exactly like the built-in sma-cross', () => {
    const args = ['--symbol', 'DEMO-C', '--timeframe', '1d', '--param', 'fast=20', '--fees', '0.001', '--db', db, '--json'];
    const mine = rrr(['backtest', '--strategy', 'examples/my-strategy.ts', ...args]);
    expect(mine.status, mine.stderr).toBe(0);
    const builtin = rrr(['backtest', '--strategy', 'sma-cross', ...args]).json();
    expect(mine.json().strategy).toBe('my-cross');
    expect(mine.json().metrics).toEqual(builtin.metrics);
  });

  it('--assert fails the exit code and says which bar was missed', () => {
    const ok = rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--assert', 'tradeCount>0', '--db', db]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/PASS {2}tradeCount>0/);
    const bad = rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--assert', 'sharpe>5', '--assert', 'maxDrawdownPct<99', '--db', db]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAIL {2}sharpe>5 {2}\(sharpe = /);
    expect(bad.stdout).toMatch(/PASS {2}maxDrawdownPct<99/);
    expect(bad.stderr).toMatch(/^Failed: sharpe>5 \(sharpe is -?\d/);
  });

  it('runs a two-asset strategy and writes trades, orders and equity with --out', () => {
    const out = join(dir, 'out');
    const r = rrr(['backtest', '--strategy', 'pairs', '--symbol', 'DEMO-A', '--symbol', 'DEMO-B', '--timeframe', '1d', '--fees', '0.0005', '--out', out, '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const json = r.json();
    expect(json.symbols).toEqual(['DEMO-A', 'DEMO-B']);
    expect(json.metrics.tradeCount).toBeGreaterThan(0);
    for (const f of ['trades', 'orders', 'equity']) for (const ext of ['parquet', 'csv']) expect(existsSync(join(out, `${f}.${ext}`))).toBe(true);
    const equityCsv = readFileSync(join(out, 'equity.csv'), 'utf8').trim().split('\n');
    expect(equityCsv[0]).toBe('time,equity,cash,position_0,position_1');
    expect(readFileSync(join(out, 'orders.csv'), 'utf8').split('\n')[0]).toBe('asset,symbol,bar,time,side,price,size,fee,slippage,reason');
    expect(equityCsv).toHaveLength(2192 + 1);
    expect(Number(equityCsv.at(-1)!.split(',')[1])).toBeCloseTo(json.metrics.finalEquity, 6);
  });

  it('takes stops, sizing and direction flags, and an ATR-stop strategy reports stop exits', () => {
    const r = rrr(['backtest', '--strategy', 'donchian-breakout', '--symbol', 'DEMO-A', '--timeframe', '1d', '--direction', 'both', '--take-profit', '10%', '--size', '50%', '--lot-size', '0.01', '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const json = r.json();
    expect(json.settings).toMatchObject({ direction: 'both', takeProfit: { kind: 'pct', value: 0.1 }, stopLoss: { kind: 'atr', multiple: 2, period: 20 }, size: { kind: 'percent', fraction: 0.5 }, lotSize: 0.01 });
    const reasons = new Set(json.trades.map((t: { exitReason: string }) => t.exitReason));
    expect(reasons.has('stop-loss')).toBe(true);
    expect(json.trades.some((t: { direction: string }) => t.direction === 'short')).toBe(true);
  });

  describe('bad input: one sentence and a non-zero exit', () => {
    const base = () => ['backtest', '--symbol', 'DEMO-A', '--timeframe', '1d', '--db', db];
    const cases: [string, string[], RegExp][] = [
      ['an unknown strategy', ['--strategy', 'sma-cros'], /^Error: Unknown strategy "sma-cros"\. Did you mean "sma-cross"\?/],
      ['an unknown parameter', ['--strategy', 'sma-cross', '--param', 'fats=3'], /^Error: sma-cross has no parameter "fats"\. Did you mean "fast"\?/],
      ['a value out of range', ['--strategy', 'sma-cross', '--param', 'fast=1'], /^Error: sma-cross: parameter fast=1 is not valid: use an integer from 2 to 200\./],
      ['a failing cross-check', ['--strategy', 'sma-cross', '--param', 'fast=60'], /^Error: sma-cross: fast must be below slow \(fast=60, slow=50\)\./],
      ['an indicator window longer than the data', ['--strategy', 'sma-cross', '--param', 'slow=300', '--from', '2024-06-01'], /^Error: sma-cross needs 300 bars before its first signal \(fast=10, slow=300\) but the data has 214: choose a longer range or shorter windows\./],
      ['a date range with no bars', ['--strategy', 'sma-cross', '--from', '2030-01-01'], /^Error: DEMO-A 1d has no bars from 2030-01-01T00:00:00Z to the end/],
      ['negative fees', ['--strategy', 'sma-cross', '--fees', '-0.001'], /^Error: --fees must be >= 0 and < 1 \(got -0\.001\)\.$/],
      ['a non-positive size', ['--strategy', 'sma-cross', '--size', '-0.5'], /^Error: --size/],
      ['zero periods per year', ['--strategy', 'sma-cross', '--periods-per-year', '0'], /^Error: --periods-per-year 0 is not valid/],
      ['a malformed --assert', ['--strategy', 'sma-cross', '--assert', 'sharpe>>1'], /^Error: --assert "sharpe>>1" is not METRIC OP NUMBER/],
      ['an --assert on an unknown metric', ['--strategy', 'sma-cross', '--assert', 'sharp>1'], /^Error: --assert "sharp>1": unknown metric "sharp"\. Did you mean "sharpe"\?/],
      ['a malformed stop', ['--strategy', 'sma-cross', '--stop-loss', 'tight'], /^Error: --stop-loss "tight" is not valid: use a fraction of the fill price/],
      ['a strategy file without a strategy', ['--strategy', 'test/helpers/shared.ts'], /does not export a strategy: add "export default defineStrategy/],
      ['a two-asset strategy with one symbol', ['--strategy', 'pairs'], /^Error: pairs trades 2 assets: pass 2 --symbol flags \(got 1\)\./],
    ];
    it('a file with a missing price', () => {
      const file = join(dir, 'nan.csv');
      const rows = Array.from({ length: 60 }, (_, i) => `${new Date(Date.UTC(2020, 0, 1 + i)).toISOString()},${i === 30 ? 'NaN' : 10 + i},${11 + i},${9 + i},${10 + i},1`);
      writeFileSync(file, ['timestamp,open,high,low,close,volume', ...rows].join('\n'));
      const r = rrr(['backtest', '--strategy', 'sma-cross', '--data', file, '--param', 'slow=20', '--db', db]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe('Error: nan has 1 bars with a missing (NaN) price, the first at 2020-01-31T00:00:00Z: fill or drop them first (rrr data validate lists them).');
    });

    it.each(cases)('%s', (_name, extra, message) => {
      const r = rrr([...base(), ...extra]);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  });
});
