import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { optionalTimeframeFlag, rangeFlags } from './_flags.js';

export default class Backtest extends RrrCommand {
  static override summary = 'Backtest a strategy on stored bars or a file: settings, metrics, trades; recorded as a run.';
  static override description =
    'Signals computed on bar t fill at the open of bar t+1 (--fill close: at bar t\'s close). Stops and targets are checked against high/low from the fill on; costs are adverse. ' +
    'Semantics: docs/simulation.md; metric formulas: docs/metrics.md. Every run is recorded in the store (rrr runs list).';
  static override examples = [
    '<%= config.bin %> backtest --strategy sma-cross --symbol BTC-USD --timeframe 1h --param fast=10 --param slow=50 --fees 0.001 --slippage 2 --from 2018-01-01 --to 2019-01-01',
    '<%= config.bin %> backtest --strategy donchian-breakout --symbol DEMO-A --timeframe 1d --direction both --json',
    '<%= config.bin %> backtest --strategy ./my-strategy.ts --data prices.parquet --stop-loss 2atr --take-profit 0.06',
    '<%= config.bin %> backtest --strategy pairs --symbol DEMO-A --symbol DEMO-B --timeframe 1d',
    '<%= config.bin %> backtest --strategy sma-cross --symbol DEMO-A --timeframe 1d --assert "sharpe>1" --assert "maxDrawdownPct<25"',
  ];
  static override flags = {
    strategy: Flags.string({ char: 'S', description: 'built-in strategy name, or the path of a .ts/.js file exporting one', required: true }),
    param: Flags.string({ char: 'p', description: 'strategy parameter NAME=VALUE (repeatable)', multiple: true }),
    symbol: Flags.string({ char: 's', description: 'stored symbol (repeat for multi-asset strategies)', multiple: true }),
    data: Flags.string({ description: 'read bars from this file instead of the store (repeatable)', multiple: true }),
    timeframe: optionalTimeframeFlag(),
    ...rangeFlags,
    cash: Flags.string({ description: 'starting cash', default: '10000', helpGroup: 'SIMULATION' }),
    fill: Flags.string({ description: 'fill price of a signal: next bar open, or the signal bar close', options: ['open', 'close'], default: 'open', helpGroup: 'SIMULATION' }),
    fees: Flags.string({ description: 'fee rate on notional per fill (0.001 = 0.1%)', default: '0', helpGroup: 'SIMULATION' }),
    'fixed-fee': Flags.string({ description: 'fixed fee per order, in cash', default: '0', helpGroup: 'SIMULATION' }),
    slippage: Flags.string({ description: 'slippage in basis points, adverse', default: '0', helpGroup: 'SIMULATION' }),
    direction: Flags.string({ description: 'which side to trade [default: long]', options: ['long', 'short', 'both'], helpGroup: 'SIMULATION' }),
    size: Flags.string({ description: 'sizing: equity fraction (1 = all, 50%), cash:AMOUNT, units:N, vol:ANNUAL_VOL[:LOOKBACK], kelly:FRACTION[:MIN_TRADES] [default: 1]', helpGroup: 'SIMULATION' }),
    'lot-size': Flags.string({ description: 'round units down to a multiple of this (1 = whole shares; 0 = fractional)', default: '0', helpGroup: 'SIMULATION' }),
    leverage: Flags.string({ description: 'maximum notional as a multiple of equity', default: '1', helpGroup: 'SIMULATION' }),
    'stop-loss': Flags.string({ description: 'stop-loss: fraction of the fill price (0.03, 3%) or ATR multiple (2atr, 2atr:20)', helpGroup: 'SIMULATION' }),
    'take-profit': Flags.string({ description: 'take-profit: fraction of the fill price or ATR multiple', helpGroup: 'SIMULATION' }),
    'trailing-stop': Flags.string({ description: 'trailing stop: fraction below the highest high since entry, or ATR multiple', helpGroup: 'SIMULATION' }),
    'max-hold': Flags.integer({ description: 'exit after this many bars', min: 1, helpGroup: 'SIMULATION' }),
    'target-first': Flags.boolean({ description: 'when stop and target are both inside one bar, assume the target came first (default: stop first)', helpGroup: 'SIMULATION' }),
    'close-at-end': Flags.boolean({ description: 'close a position still open after the last bar, with exit costs (default: mark it to the last close and report it apart)', helpGroup: 'SIMULATION' }),
    align: Flags.string({ description: 'multi-asset runs: keep only times every symbol has (intersection) or all times (union) [default: intersection]', options: ['union', 'intersection'], helpGroup: 'SIMULATION' }),
    'periods-per-year': Flags.string({ description: 'bars per year for annualizing [default: from the data\'s calendar: 252 for weekday daily bars, 365 days for 24/7 data]', helpGroup: 'METRICS' }),
    'risk-free': Flags.string({ description: 'annual risk-free rate for Sharpe and Sortino (0.04 = 4%)', default: '0', helpGroup: 'METRICS' }),
    assert: Flags.string({ description: 'fail (exit 1) unless METRIC OP NUMBER holds, e.g. "sharpe>1" (repeatable)', multiple: true, helpGroup: 'METRICS' }),
    out: Flags.string({ char: 'o', description: 'write trades, orders and the equity curve as Parquet and CSV into this directory' }),
    trades: Flags.integer({ description: 'how many of the last trades to print', default: 10, min: 0 }),
  };

  async run() {
    const { flags } = await this.parse(Backtest);
    const { parseRange } = await import('../data/time.js');
    const { parseNumberFlag, parseStop } = await import('../engine/parse-options.js');
    const { parseParamFlags } = await import('../strategies/params.js');
    const { parseAssertion, checkAssertions } = await import('../report/assertions.js');
    const { METRIC_KEYS } = await import('../engine/metrics.js');
    const { runBacktestJob } = await import('../research/backtest-job.js');
    const { renderBacktest } = await import('../report/backtest.js');
    const n = (flag: string, accepted: string) => parseNumberFlag(flag, (flags as unknown as Record<string, string>)[flag], accepted);
    const assertions = (flags.assert ?? []).map((a) => parseAssertion(a, METRIC_KEYS));
    const range = parseRange(flags.from, flags.to);
    this.progress(`Backtesting ${flags.strategy}...`);
    const job = await runBacktestJob({
      strategy: flags.strategy,
      params: parseParamFlags(flags.param),
      symbols: flags.symbol,
      files: flags.data,
      timeframe: flags.timeframe,
      range,
      db: this.dbPath(flags.db),
      size: flags.size,
      sim: {
        cash: n('cash', 'an amount such as 10000'),
        fill: flags.fill as 'open' | 'close',
        feeRate: n('fees', 'a fee rate such as 0.001'),
        fixedFee: n('fixed-fee', 'an amount of cash such as 1'),
        slippageBps: n('slippage', 'basis points such as 2'),
        direction: flags.direction as 'long' | 'short' | 'both' | undefined,
        lotSize: n('lot-size', '0 (fractional) or a lot such as 1'),
        leverage: n('leverage', 'a multiple of equity such as 1 or 2'),
        stopLoss: flags['stop-loss'] === undefined ? undefined : parseStop('stop-loss', flags['stop-loss']),
        takeProfit: flags['take-profit'] === undefined ? undefined : parseStop('take-profit', flags['take-profit']),
        trailingStop: flags['trailing-stop'] === undefined ? undefined : parseStop('trailing-stop', flags['trailing-stop']),
        maxHold: flags['max-hold'],
        stopFirst: flags['target-first'] ? false : undefined,
        closeAtEnd: flags['close-at-end'] ? true : undefined,
      },
      align: flags.align as 'union' | 'intersection' | undefined,
      periodsPerYear: flags['periods-per-year'] === undefined ? undefined : n('periods-per-year', 'a number of bars per year such as 252'),
      riskFreeRate: n('risk-free', 'an annual rate such as 0.04'),
      outDir: flags.out,
    });
    const outcomes = checkAssertions(assertions, job.metrics as unknown as Record<string, unknown>);
    this.log(renderBacktest(job, outcomes, flags.trades));
    const failed = outcomes.filter((o) => !o.passed);
    if (failed.length > 0) {
      process.exitCode = 1;
      process.stderr.write(`Failed: ${failed.map((o) => `${o.text} (${o.metric} is ${o.actual ?? 'undefined'})`).join('; ')}.\n`);
    }
    if (job.notRecorded !== undefined) {
      process.exitCode = 1;
      process.stderr.write(`The backtest finished but was not recorded: ${job.notRecorded} Its results are above; run it again to record it.\n`);
    }
    const { backtest: _b, bars: _bars, ...result } = job;
    return { ...result, assertions: outcomes, passed: failed.length === 0 };
  }
}
