import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';

/** The flags that describe a backtest, which --run takes from the recorded run instead. */
const BACKTEST_FLAG_NAMES = Object.keys(backtestFlags);

/** What a static portfolio (--symbol ... --weights, no --strategy) takes of the backtest flags. */
const PORTFOLIO_FLAG_NAMES = ['symbol', 'timeframe', 'from', 'to', 'fees', 'slippage', 'periods-per-year'];

export default class Risk extends RrrCommand {
  static override summary = 'Value at Risk and expected shortfall by four methods, a backtest of the VaR, stress scenarios, correlation, concentration and beta.';
  static override description =
    'Give a run recorded by rrr backtest (--run ID: re-run on the same data, read-only, nothing recorded), the flags of rrr backtest (--strategy ...), ' +
    'or a static portfolio of stored symbols (--symbol A --symbol B --weights 0.6,0.4 --timeframe 1d: rebalanced to the fixed weights at every bar, no costs; equal weights without --weights). ' +
    'VaR and CVaR (expected shortfall) are losses as % of the portfolio, by historical simulation (minus the k-th worst return, k = ceil((1 - confidence) x returns)), parametric normal, ' +
    'Cornish-Fisher (moment skewness and EXCESS kurtosis) and Monte Carlo (multivariate normal of the assets through the Cholesky factor of their sample covariance, seeded), over 1 period and, with --horizon N, N periods ' +
    '(historical: overlapping N-period returns; normal and Cornish-Fisher: square-root of time; Monte Carlo: N simulated periods). ' +
    'The VaR is backtested on a rolling window (Kupiec POF test, Basel traffic light). Metric keys for --assert: var95Pct, cvar95Pct (historical), var95NormalPct, var95CornishFisherPct, var95MonteCarloPct (and cvar...), ' +
    'var95HorizonPct... with --horizon, exceptions95, kupiec95PValue, volatilityPct, annualVolatilityPct, worstStressPct, beta, herfindahl, effectiveN (97.5% is written 975). ' +
    'Exit code 1: a failed --assert, an unknown run or symbol, changed data; 2: a usage error.';
  static override examples = [
    '<%= config.bin %> risk --run 12',
    '<%= config.bin %> risk --symbol DEMO-A --symbol DEMO-B --weights 0.6,0.4 --timeframe 1d --horizon 10 --benchmark DEMO-C',
    '<%= config.bin %> risk --strategy sma-cross --symbol DEMO-A --timeframe 1d --assert "var99Pct<5" --json',
  ];
  static override flags = {
    run: Flags.string({ description: 'a run recorded by rrr backtest (see rrr runs list), re-run read-only instead of giving its flags' }),
    ...backtestFlags,
    strategy: Flags.string({ ...backtestFlags.strategy, required: false, description: 'built-in strategy name, or the path of a .ts/.js file exporting one (or --run, or a static portfolio: --symbol and --weights without --strategy)' }),
    weights: Flags.string({ description: 'static portfolio: one weight per --symbol, in order, summing to 1, e.g. 0.6,0.4 [default: equal weights]', helpGroup: 'RISK' }),
    confidence: Flags.string({ description: 'VaR confidences in percent, above 50 and below 100, comma-separated', default: '95,99', helpGroup: 'RISK' }),
    horizon: Flags.string({ description: 'also give VaR over this many periods (bars)', default: '1', helpGroup: 'RISK' }),
    simulations: Flags.string({ description: 'Monte Carlo draws per horizon', default: '100000', helpGroup: 'RISK' }),
    seed: Flags.string({ description: 'seed of the Monte Carlo draws (a whole number)', default: '42', helpGroup: 'RISK' }),
    benchmark: Flags.string({ description: 'stored symbol (same timeframe) to measure beta against', helpGroup: 'RISK' }),
    'backtest-window': Flags.string({ description: 'periods of history behind each VaR of the VaR backtest', default: '250', helpGroup: 'RISK' }),
    assert: Flags.string({ description: 'fail (exit 1) unless METRIC OP NUMBER holds, e.g. "var95Pct<3" (repeatable)', multiple: true, helpGroup: 'RISK' }),
  };

  async run() {
    const { flags, raw } = await this.parse(Risk);
    const { UserError } = await import('../errors.js');
    const { parseAssertion, checkAssertions } = await import('../report/assertions.js');
    const { riskMetricKeys } = await import('../risk/analyze.js');
    const { riskJob, checkRiskSettings } = await import('../research/risk/job.js');
    const { renderRisk, riskJson } = await import('../report/risk.js');

    const wholeNumber = (flag: string, text: string, accepted: string) => {
      if (!/^\s*-?\d+\s*$/.test(text)) throw new UserError(`--${flag} "${text}" is not valid: give ${accepted}.`, { code: 'RRR_BAD_VALUE' });
      return Number(text);
    };
    const confidences = flags.confidence.split(',').map((part) => {
      const value = Number(part);
      if (part.trim() === '' || !Number.isFinite(value)) throw new UserError(`--confidence "${flags.confidence}" is not valid: give percentages above 50 and below 100, comma-separated, e.g. 95,99.`, { code: 'RRR_BAD_CONFIDENCE' });
      return value;
    });
    const repeated = confidences.find((c, i) => confidences.indexOf(c) !== i);
    if (repeated !== undefined) throw new UserError(`--confidence lists ${repeated} twice: give each confidence once, e.g. 95,99.`, { code: 'RRR_BAD_CONFIDENCE' });
    const settings = {
      confidences,
      horizon: wholeNumber('horizon', flags.horizon, 'a whole number of periods of 1 or more, e.g. 10'),
      simulations: wholeNumber('simulations', flags.simulations, 'a whole number of Monte Carlo draws from 1 to 100000000, e.g. 100000'),
      seed: wholeNumber('seed', flags.seed, 'a whole number, e.g. 42'),
      backtestWindow: wholeNumber('backtest-window', flags['backtest-window'], 'a whole number of periods of 10 or more, e.g. 250'),
      correlationWindow: 63,
    };
    checkRiskSettings(settings);
    const assertions = (flags.assert ?? []).map((a) => parseAssertion(a, riskMetricKeys(settings)));
    if (flags.benchmark === undefined) {
      const beta = assertions.find((a) => a.metric === 'beta');
      if (beta) throw new UserError(`--assert "${beta.text}" needs --benchmark SYMBOL to measure beta against.`, { code: 'RRR_MISSING_FLAG' });
    }

    const typed = (names: string[]) => [...new Set(raw.filter((t) => t.type === 'flag' && names.includes(t.flag)).map((t) => `--${(t as { flag: string }).flag}`))];
    const db = this.dbPath(flags.db);
    const common = { db, benchmark: flags.benchmark, settings };
    let job;
    if (flags.run !== undefined) {
      const conflicting = typed([...BACKTEST_FLAG_NAMES, 'weights']);
      if (conflicting.length > 0) {
        throw new UserError(`--run re-runs the recorded run with its own settings: remove ${conflicting.join(', ')}, or drop --run and give the backtest's flags.`, { code: 'RRR_RUN_WITH_FLAGS' });
      }
      this.progress(`Re-running run ${flags.run}...`);
      job = await riskJob({ ...common, run: flags.run });
    } else if (flags.strategy !== undefined) {
      if (flags.weights !== undefined) {
        throw new UserError('--weights sets a static portfolio, and --strategy a backtest whose weights come from its signals: remove one.', { code: 'RRR_SETTING_NOT_APPLICABLE' });
      }
      const backtest = await backtestOptionsFromFlags(flags, db);
      this.progress(`Backtesting ${flags.strategy}...`);
      job = await riskJob({ ...common, backtest });
    } else {
      const conflicting = typed(BACKTEST_FLAG_NAMES.filter((name) => !PORTFOLIO_FLAG_NAMES.includes(name)));
      if (conflicting.length > 0) {
        throw new UserError(`${conflicting.join(', ')} ${conflicting.length === 1 ? 'applies' : 'apply'} to a backtest: give --strategy with ${conflicting.length === 1 ? 'it' : 'them'}, or remove ${conflicting.length === 1 ? 'it' : 'them'} for a static portfolio (--symbol and --weights).`, { code: 'RRR_SETTING_NOT_APPLICABLE' });
      }
      if (!flags.symbol || flags.symbol.length === 0) {
        throw new UserError('Say which portfolio to analyse: --run RUN_ID (see rrr runs list), --strategy with the flags of rrr backtest, or --symbol A --symbol B --weights 0.5,0.5 --timeframe 1d.', { code: 'RRR_MISSING_FLAG' });
      }
      if (flags.timeframe === undefined) throw new UserError('--timeframe is required with --symbol: e.g. --timeframe 1d (see "rrr data list").', { code: 'RRR_MISSING_FLAG' });
      const { parseRange } = await import('../data/time.js');
      const { parseNumberFlag } = await import('../engine/parse-options.js');
      let weights: number[] | undefined;
      if (flags.weights !== undefined) {
        weights = flags.weights.split(',').map((part) => {
          const value = Number(part);
          if (part.trim() === '' || !Number.isFinite(value)) throw new UserError(`--weights "${flags.weights}" is not valid: give one number per --symbol, comma-separated, summing to 1, e.g. 0.6,0.4.`, { code: 'RRR_BAD_WEIGHTS' });
          return value;
        });
      }
      const portfolio = {
        symbols: flags.symbol,
        weights,
        timeframe: flags.timeframe,
        range: parseRange(flags.from, flags.to),
        periodsPerYear: flags['periods-per-year'] === undefined ? undefined : parseNumberFlag('periods-per-year', flags['periods-per-year'], 'a number of bars per year such as 252'),
        cost: { feeRate: parseNumberFlag('fees', flags.fees, 'a fee rate such as 0.001'), slippageBps: parseNumberFlag('slippage', flags.slippage, 'basis points such as 2') },
      };
      this.progress(`Loading ${flags.symbol.join(', ')}...`);
      job = await riskJob({ ...common, portfolio });
    }
    const outcomes = checkAssertions(assertions, job.report.metrics);
    this.log(renderRisk(job, outcomes));
    const failed = outcomes.filter((o) => !o.passed);
    if (failed.length > 0) {
      process.exitCode = 1;
      process.stderr.write(`Failed: ${failed.map((o) => `${o.text} (${o.metric} is ${o.actual ?? 'undefined'})`).join('; ')}.\n`);
    }
    return riskJson(job, outcomes);
  }
}
