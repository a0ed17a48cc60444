import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';
import { describeShared, readSharedCsv, sharedPath } from '../helpers/shared.js';

let dir: string;
let db: string;

const DAY = 86_400_000;

/**
 * A bar file of `n` bars from `start` every `step` ms (skipping weekdays `keep` rejects), closes oscillating
 * around `price` so crosses happen; `price` is the first close exactly.
 */
function barFile(name: string, n: number, options: { start?: number; step?: number; price?: number; keep?: (weekday: number) => boolean; edit?: (i: number, p: number) => number } = {}): string {
  const { start = Date.UTC(2019, 0, 7), step = DAY, price = 100, keep = () => true, edit = (_i, p) => p } = options;
  const rows = ['timestamp,open,high,low,close,volume'];
  let i = 0;
  for (let t = start; rows.length <= n; t += step) {
    if (!keep(new Date(t).getUTCDay())) continue;
    const p = edit(i, price * (1 + 0.3 * Math.sin(i / 9) + 0.001 * i));
    rows.push(`${new Date(t).toISOString()},${p},${p * 1.01},${p * 0.99},${p},1`);
    i++;
  }
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n'));
  return path;
}

const lastRunId = () => rrr(['runs', 'list', '--db', db, '--json']).json().runs[0]?.id ?? 0;

beforeAll(() => {
  dir = tempDir('rrr-settings-');
  db = join(dir, 'store.duckdb');
  expect(rrr(['demo', '--db', db]).status).toBe(0);
});

const demo = (...extra: string[]) => rrr(['backtest', '--symbol', 'DEMO-A', '--timeframe', '1d', '--db', db, ...extra]);
const pairs = (...extra: string[]) => rrr(['backtest', '--strategy', 'pairs', '--symbol', 'DEMO-A', '--symbol', 'DEMO-B', '--timeframe', '1d', '--db', db, ...extra]);

function refused(r: ReturnType<typeof rrr>, status: number, message: string | RegExp): void {
  expect(r.status, r.stdout).toBe(status);
  const text = r.stderr.trim();
  expect(text.split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(text).toBe(`Error: ${message}`);
  else expect(text).toMatch(message);
}

describe('a target-weights strategy refuses settings it cannot use', () => {
  it.each([
    [['--stop-loss', '2%'], '--stop-loss applies'],
    [['--take-profit', '5%'], '--take-profit applies'],
    [['--trailing-stop', '3%'], '--trailing-stop applies'],
    [['--direction', 'long'], '--direction applies'],
    [['--size', '50%'], '--size applies'],
    [['--max-hold', '5'], '--max-hold applies'],
    [['--target-first'], '--target-first applies'],
  ])('%j', (flag, what) => {
    refused(pairs(...flag), 2, `pairs sets target weights; ${what} to signal strategies only: remove it.`);
  });

  it('names every such flag at once', () => {
    refused(pairs('--stop-loss', '2%', '--direction', 'both'), 2, 'pairs sets target weights; --direction and --stop-loss apply to signal strategies only: remove them.');
  });
});

describe('sizes beyond the leverage are refused, naming the leverage that would allow them', () => {
  it('--size 50 (5000%): did you mean 50%?', () => {
    refused(demo('--strategy', 'sma-cross', '--size', '50'), 2, '--size 50 is 5000% of equity (did you mean 50%?), more than --leverage 1 allows: lower it, or pass --leverage 50 or more.');
  });

  it('--size 150% needs --leverage 1.5, and with it the position is 1.5 x equity', () => {
    refused(demo('--strategy', 'sma-cross', '--size', '150%'), 2, '--size 150% is 150% of equity, more than --leverage 1 allows: lower it, or pass --leverage 1.5 or more.');
    const r = demo('--strategy', 'sma-cross', '--size', '150%', '--leverage', '1.5', '--json');
    expect(r.status, r.stderr).toBe(0);
    const first = r.json().trades[0];
    // No fees: the first position's notional is 1.5 x the starting cash.
    expect(first.size * first.entryPrice).toBeCloseTo(15_000, 6);
  });

  it('cash:AMOUNT beyond leverage x cash', () => {
    refused(demo('--strategy', 'sma-cross', '--size', 'cash:20000'), 2, '--size cash:20000 is 2 x the starting cash of 10000, more than --leverage 1 allows: lower it, or pass --leverage 2 or more.');
    expect(demo('--strategy', 'sma-cross', '--size', 'cash:20000', '--leverage', '2').status).toBe(0);
  });

  it('units:N is checked against the first close: N x first close <= leverage x cash', () => {
    const file = barFile('first-close-100.csv', 120);
    const run = (units: string) => rrr(['backtest', '--strategy', 'sma-cross', '--param', 'slow=20', '--data', file, '--size', `units:${units}`, '--db', db]);
    expect(run('100').status).toBe(0);
    refused(run('101'), 2, '--size units:101 is 101 units x the first close 100 = 10100, 1.01 x the starting cash, more than --leverage 1 allows: lower it, or pass --leverage 1.01 or more.');
  });
});

describe('values that cannot be meant are refused with what is accepted', () => {
  it.each([
    ['--stop-loss', '5', '--stop-loss 5 is 500% of the fill price (write 500% if that is meant); did you mean 5%?'],
    ['--take-profit', '1', '--take-profit 1 is 100% of the fill price (write 100% if that is meant); did you mean 1%?'],
    ['--trailing-stop', '2.5', '--trailing-stop 2.5 is 250% of the fill price (write 250% if that is meant); did you mean 2.5%?'],
  ])('%s %s without %%', (flag, value, message) => {
    refused(demo('--strategy', 'sma-cross', flag, value), 2, message);
  });

  it('a long stop-loss of 100% or more could never trigger: refused; a short one is a real level', () => {
    refused(demo('--strategy', 'sma-cross', '--stop-loss', '100%'), 2, "--stop-loss 100% puts a long's stop at or below zero, where it never triggers: use less than 100%.");
    expect(demo('--strategy', 'sma-cross', '--direction', 'short', '--stop-loss', '150%', '--json').json().settings.stopLoss).toEqual({ kind: 'pct', value: 1.5 });
  });

  it('--stop-loss 5% is 5%', () => {
    const r = demo('--strategy', 'sma-cross', '--stop-loss', '5%', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json().settings.stopLoss).toEqual({ kind: 'pct', value: 0.05 });
  });

  it.each([
    [['--size', 'cash:100:200'], '--size "cash:100:200" has 2 fields after "cash:": write cash:AMOUNT.'],
    [['--size', 'units:5:1'], '--size "units:5:1" has 2 fields after "units:": write units:N.'],
    [['--size', 'vol:0.2:30:5'], '--size "vol:0.2:30:5" has 3 fields after "vol:": write vol:ANNUAL_VOL[:LOOKBACK].'],
    [['--param', 'fast=0x10'], 'sma-cross: parameter fast=0x10 is not valid: use an integer from 2 to 200, in plain decimal digits.'],
    [['--param', 'fast=1e1'], 'sma-cross: parameter fast=1e1 is not valid: use an integer from 2 to 200, in plain decimal digits.'],
    [['--fees', '0x1'], '--fees "0x1" is not valid: use a fee rate such as 0.001.'],
    [['--from', '2010-02-30'], '--from "2010-02-30" is not a date (February 2010 has 28 days): use YYYY, YYYY-MM, YYYY-MM-DD or an ISO-8601 time such as 2018-01-01T12:00:00Z.'],
    [['--cash', '1e300'], '--cash 1e300 is not valid: use an amount greater than 0 and at most 1e15.'],
    [['--cash', '1e16'], '--cash 1e16 is not valid: use an amount greater than 0 and at most 1e15.'],
    [['--align', 'union'], '--align applies to strategies trading several assets; sma-cross trades one: remove --align.'],
  ])('%j', (extra, message) => {
    refused(demo('--strategy', 'sma-cross', ...extra), 2, message);
  });

  it('the largest accepted cash runs with finite equity', () => {
    const r = demo('--strategy', 'sma-cross', '--cash', '1e15', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(Number.isFinite(r.json().metrics.finalEquity)).toBe(true);
  });

  it('1M is refused: 1m is a minute, 1mo a month', () => {
    refused(rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1M', '--db', db]), 2, 'Timeframe "1M" is ambiguous: 1m is a minute, 1mo a month.');
  });
});

describe('the settings read as sentences, in the report and in runs show', () => {
  it('an explicit --stop-loss over donchian-breakout\'s ATR stop is shown as overriding it', () => {
    const implied = demo('--strategy', 'donchian-breakout', '--trades', '0');
    expect(implied.status, implied.stderr).toBe(0);
    expect(implied.stdout).toMatch(/Exits\s+on signals; stop-loss 2 x ATR\(20\) below the fill \(set by the strategy\)/);
    const r = demo('--strategy', 'donchian-breakout', '--stop-loss', '3%', '--trades', '0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Exits\s+on signals; stop-loss 3% below the fill \(--stop-loss; overrides the strategy's 2 x ATR\(20\)\)/);
    const runId = Number(/Run\s+(\d+)/.exec(r.stdout)![1]);
    const json = rrr(['runs', 'show', String(runId), '--db', db, '--json']).json();
    expect(json.settings.stopLoss).toEqual({ kind: 'pct', value: 0.03 });
    expect(json.settings.overridden).toEqual(['stopLoss']);
  });

  it('an explicit --size over momentum\'s volatility target is shown as overriding it', () => {
    const r = demo('--strategy', 'momentum', '--size', '50%', '--trades', '0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Trading\s+long only; size 50% of equity \(fees reserved\) \(--size; overrides the strategy's volatility target of 20% a year\)/);
  });

  it('runs show renders the same sentences, never raw objects', () => {
    const r = demo('--strategy', 'sma-cross', '--size', 'kelly:0.5', '--stop-loss', '2%', '--trades', '0');
    expect(r.status, r.stderr).toBe(0);
    const runId = Number(/Run\s+(\d+)/.exec(r.stdout)![1]);
    const shown = rrr(['runs', 'show', String(runId), '--db', db]);
    expect(shown.status, shown.stderr).toBe(0);
    for (const out of [r.stdout, shown.stdout]) {
      expect(out).toMatch(/Trading\s+long only; kelly 0\.5 after 20 closed trades, 100% of equity before/);
      expect(out).toMatch(/Exits\s+on signals; stop-loss 2% below the fill/);
      expect(out).not.toMatch(/\{|kind/);
    }
    const plain = demo('--strategy', 'sma-cross', '--trades', '0');
    expect(plain.stdout).toMatch(/Trading\s+long only; size 100% of equity \(fees reserved\)/);
  });
});

describe('annualization follows the data calendar', () => {
  it('weekday-only daily bars annualize with 252, stated with the reason; --periods-per-year overrides', () => {
    const file = barFile('weekdays.csv', 600, { keep: (d) => d !== 0 && d !== 6 });
    const run = (...extra: string[]) => rrr(['backtest', '--strategy', 'sma-cross', '--param', 'slow=20', '--data', file, '--db', db, ...extra]);
    const text = run('--trades', '0');
    expect(text.stdout).toMatch(/Periods per year\s+252 \(weekday calendar detected: 5 trading days a week, 252 a year\)/);
    const auto = run('--json').json();
    const explicit = run('--json', '--periods-per-year', '252').json();
    const calendar = run('--json', '--periods-per-year', '365').json();
    expect(auto.periodsPerYear).toBe(252);
    expect(explicit.periodsPerYearReason).toBe('--periods-per-year');
    expect(auto.metrics.sharpe).toBe(explicit.metrics.sharpe);
    // Sharpe scales with the square root of the periods per year: 365-day years overstate it by 20%.
    expect(calendar.metrics.sharpe / auto.metrics.sharpe).toBeCloseTo(Math.sqrt(365 / 252), 10);
  });

  it('--timeframe is checked against the file\'s spacing', () => {
    const file = barFile('daily.csv', 100);
    refused(rrr(['backtest', '--strategy', 'sma-cross', '--param', 'slow=20', '--data', file, '--timeframe', '1h', '--db', db]), 1, `${file} has bars every 1d (its most common spacing), which contradicts --timeframe 1h: pass --timeframe 1d, or resample the data.`);
    expect(rrr(['backtest', '--strategy', 'sma-cross', '--param', 'slow=20', '--data', file, '--timeframe', '24h', '--db', db, '--json']).json().timeframe).toBe('1d');
  });

  it('equivalent and upper-case timeframes name the stored 1d series', () => {
    const base = demo('--strategy', 'sma-cross', '--json').json();
    for (const tf of ['24h', '1440m', '86400s', '1D']) {
      const r = rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', tf, '--db', db, '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.json().timeframe).toBe('1d');
      expect(r.json().metrics).toEqual(base.metrics);
    }
  });
});

describeShared('annualization on real data', () => {
  it('GOOG daily (no weekend bars) annualizes with 252: the 365-day Sharpe was sqrt(365/252), 20%, too high', () => {
    const run = (...extra: string[]) => rrr(['backtest', '--strategy', 'sma-cross', '--param', 'fast=10', '--param', 'slow=20', '--data', sharedPath('goog_1d.csv'), '--db', db, '--json', ...extra]).json();
    const auto = run();
    expect(auto.periodsPerYear).toBe(252);
    expect(auto.periodsPerYearReason).toMatch(/^weekday calendar detected/);
    expect(auto.metrics.sharpe).toBe(run('--periods-per-year', '252').metrics.sharpe);
    expect(run('--periods-per-year', '365').metrics.sharpe / auto.metrics.sharpe).toBeCloseTo(Math.sqrt(365 / 252), 10);
  });

  it('EUR/USD hourly (weekdays only) annualizes with its own bars per year, counted here from the file', () => {
    const bars = readSharedCsv('eur-usd_1h.csv');
    const years = (bars.time[bars.length - 1] - bars.time[0] + 3_600_000) / (365.25 * DAY);
    const json = rrr(['backtest', '--strategy', 'sma-cross', '--data', sharedPath('eur-usd_1h.csv'), '--db', db, '--json']).json();
    expect(json.periodsPerYear).toBe(Math.round(bars.length / years));
    expect(json.periodsPerYearReason).toMatch(/^weekday calendar detected/);
  });

  it('BTC/USD hourly (24/7) annualizes with 24 x 365', () => {
    expect(rrr(['backtest', '--strategy', 'sma-cross', '--data', sharedPath('btc-usd_1h.csv'), '--db', db, '--json']).json().periodsPerYear).toBe(8760);
  });
});

describe('dates', () => {
  it('--from 2020 --to 2020 is the whole year; --to 2020-06 ends with June', () => {
    const year = demo('--strategy', 'sma-cross', '--from', '2020', '--to', '2020', '--json').json();
    expect([year.from, year.to]).toEqual(['2020-01-01T00:00:00Z', '2020-12-31T00:00:00Z']);
    const half = demo('--strategy', 'sma-cross', '--from', '2020-01', '--to', '2020-06', '--json').json();
    expect([half.from, half.to]).toEqual(['2020-01-01T00:00:00Z', '2020-06-30T00:00:00Z']);
  });
});

describe('prices, data and user code', () => {
  it('a 0.00005 price prints with its significant digits in the trades table', () => {
    const file = barFile('tiny.csv', 300, { price: 0.00005 });
    const r = rrr(['backtest', '--strategy', 'sma-cross', '--param', 'slow=20', '--data', file, '--db', db, '--trades', '2']);
    expect(r.status, r.stderr).toBe(0);
    const json = rrr(['backtest', '--strategy', 'sma-cross', '--param', 'slow=20', '--data', file, '--db', db, '--json']).json();
    const last = json.trades.at(-1);
    const shown = Number(last.entryPrice.toPrecision(8));
    expect(shown).toBeGreaterThan(0.00004);
    expect(r.stdout).toContain(String(shown));
    expect(r.stdout).not.toMatch(/\s0\.0001\s|\s0\s+0\.0/);
  });

  it('a non-positive price is refused before simulating', () => {
    const file = barFile('zero.csv', 200, { edit: (i, p) => (i === 150 ? 0 : p) });
    refused(rrr(['backtest', '--strategy', 'sma-cross', '--param', 'slow=20', '--data', file, '--db', db]), 1, 'zero has 1 bars with a zero or negative price, the first at 2019-06-06T00:00:00Z: a backtest needs positive prices (rrr data validate lists them).');
  });

  it.each([
    ['null', 'signals: () => null', 'signals returned null instead of { entries, exits } columns'],
    ['short', 'signals: () => ({ entries: new Uint8Array(3) })', 'signals.entries has 3 values for 120 bars (one per bar is needed)'],
    ['throws', 'signals: (bars) => { throw new Error("boom at " + bars.length); }', 'its signals threw "boom at 120"'],
  ])('a user strategy whose signals is %s: one sentence naming the file, the strategy and the bar count', (name, body, problem) => {
    const data = barFile('strategy-data.csv', 120);
    const file = join(dir, `bad-${name}.js`);
    writeFileSync(file, `export default { name: "bad-${name}", params: {}, warmup: () => 1, ${body} };\n`);
    refused(rrr(['backtest', '--strategy', file, '--data', data, '--db', db]), 1, `Strategy "bad-${name}" (${file}) failed on 120 bars: ${problem}.`);
  });
});

describe('--out is checked first and written before the run is recorded', () => {
  it.each([
    ['/proc/rrr-no-such-dir', /^Error: --out \/proc\/rrr-no-such-dir cannot be created \(ENOENT\): choose a writable directory\.$/],
    ['FILE', /^Error: --out .*a-file is a file, not a directory: choose a writable directory\.$/],
    ['FILE/sub', /^Error: --out .*a-file\/sub has a file where a directory is expected: choose a writable directory\.$/],
  ])('%s is refused at once and records nothing', (where, message) => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const before = lastRunId();
    refused(demo('--strategy', 'sma-cross', '--out', where.replace('FILE', file)), 1, message);
    expect(lastRunId()).toBe(before);
  });

  it('an output that fails to write records no run', () => {
    const out = join(dir, 'blocked');
    mkdirSync(join(out, 'trades.parquet'), { recursive: true });
    const before = lastRunId();
    const r = demo('--strategy', 'sma-cross', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/trades\.parquet/);
    expect(lastRunId()).toBe(before);
  });
});

describe('multi-asset runs', () => {
  it('say how the series were aligned (intersection by default, union on request)', () => {
    const a = barFile('align-a.csv', 200, { start: Date.UTC(2019, 0, 1) });
    const b = barFile('align-b.csv', 200, { start: Date.UTC(2019, 0, 11), price: 50 });
    const run = (...extra: string[]) => rrr(['backtest', '--strategy', 'pairs', '--data', a, '--data', b, '--db', db, ...extra]);
    const inter = run('--json').json();
    expect(inter.align).toBe('intersection');
    expect([inter.from, inter.to, inter.metrics.bars]).toEqual(['2019-01-11T00:00:00Z', '2019-07-19T00:00:00Z', 190]);
    const union = run('--json', '--align', 'union').json();
    expect([union.align, union.from, union.to, union.metrics.bars]).toEqual(['union', '2019-01-01T00:00:00Z', '2019-07-29T00:00:00Z', 210]);
    expect(run('--trades', '0').stdout).toMatch(/Alignment\s+intersection: only times every symbol has \(default; --align union keeps all\)/);
  });

  it('name the symbol on every trade and order, and give statistics per symbol', () => {
    const r = pairs('--json');
    expect(r.status, r.stderr).toBe(0);
    const json = r.json();
    expect(json.trades.length).toBeGreaterThan(0);
    for (const t of json.trades) expect(t.symbol).toBe(['DEMO-A', 'DEMO-B'][t.asset]);
    for (const o of json.orders) expect(o.symbol).toBe(['DEMO-A', 'DEMO-B'][o.asset]);
    expect(json.assetStats.map((s: { asset: number }) => s.asset)).toEqual([0, 1]);
    const closed = json.trades.filter((t: { isOpen: boolean }) => !t.isOpen);
    for (const k of [0, 1]) {
      const mine = closed.filter((t: { asset: number }) => t.asset === k);
      expect(json.assetStats[k].tradeCount).toBe(mine.length);
      expect(json.assetStats[k].totalPnl).toBeCloseTo(mine.reduce((s: number, t: { pnl: number }) => s + t.pnl, 0), 6);
    }
    const text = pairs('--trades', '4').stdout;
    expect(text).toMatch(/Per symbol \(closed trades\):\nsymbol\s+trades/);
    expect(text).toMatch(/^symbol\s+entry time\s+exit time/m);
    expect(text).toMatch(/^DEMO-[AB]\s+20\d\d-/m);
  });
});

describe('--close-at-end', () => {
  it('closes the position still open on the last bar, with exit costs, and says so', () => {
    const open = demo('--strategy', 'sma-cross', '--fees', '0.001', '--json').json();
    expect(open.trades.at(-1).isOpen).toBe(true);
    const r = demo('--strategy', 'sma-cross', '--fees', '0.001', '--close-at-end', '--json');
    expect(r.status, r.stderr).toBe(0);
    const closed = r.json();
    expect(closed.settings.closeAtEnd).toBe(true);
    expect(closed.trades.at(-1).isOpen).toBe(false);
    expect(closed.trades.at(-1).exitReason).toBe('close-at-end');
    // The exit fee is paid: the closed trade's fees exceed the open one's entry-only fees.
    expect(closed.trades.at(-1).fees).toBeGreaterThan(open.trades.at(-1).fees);
    expect(demo('--strategy', 'sma-cross', '--close-at-end', '--trades', '0').stdout).toMatch(/At the end\s+a position still open is closed on the last bar, with exit costs \(--close-at-end\)/);
  });
});
