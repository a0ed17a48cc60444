import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';
import { COVARIANCE_METHODS, PORTFOLIO_METHODS } from '../portfolio/types.js';

// Every setting flag of rrr backtest but the strategy's own: the weights are the strategy here.
const { strategy: _strategy, param: _param, fees: _fees, ...settingFlags } = backtestFlags;

export default class Portfolio extends RrrCommand {
  static override summary = 'Rebalancing portfolio backtest: weights re-optimised on a rolling window of past returns, traded on the multi-asset engine; recorded as a run.';
  static override description =
    'At each rebalance bar the mean and covariance are estimated from the --lookback returns ending at that bar\'s close (nothing later), the --method optimizer sets target weights, ' +
    'and the engine trades to them at the next bar\'s open (--fill close: that close). Lengths are bars (252) or durations on the bars\' timestamps (1y, 6mo, 90d); ' +
    '--rebalance also takes daily, weekly, monthly, quarterly, yearly. --target-return, --target-risk, --risk-free and view returns are ANNUAL: divided by the periods per year ' +
    '(sqrt of it for risk) for the per-bar optimizers. --turnover-cost is the engine\'s fee rate on traded notional (the same setting as rrr backtest --fees). ' +
    'Every rebalance trades back to its targets, also when they equal the previous ones (equal-weight is rebalanced, not left to drift). ' +
    '--select K picks K assets once, on the first lookback window, by simulated annealing on the Sharpe ratio of their max-Sharpe portfolio (min-variance with --method min-variance). ' +
    'Turnover = traded notional / equity (buys plus sells) per rebalance; the effective number of bets is Meucci\'s (2009) entropy of the risk shares of the covariance\'s principal components.';
  static override examples = [
    '<%= config.bin %> portfolio --data datasets/demo-a_1d.csv --data datasets/demo-b_1d.csv --data datasets/demo-c_1d.csv --method min-variance --lookback 1y --rebalance monthly',
    '<%= config.bin %> portfolio --symbol SPY --symbol TLT --symbol GLD --timeframe 1d --method max-sharpe --lookback 252 --rebalance 21 --max-weight 0.6 --turnover-cost 0.001 --out results/',
    '<%= config.bin %> portfolio --symbol A --symbol B --symbol C --timeframe 1d --method mean-variance --target-return 0.08 --covariance ledoit-wolf --json',
    '<%= config.bin %> portfolio --symbol A --symbol B --symbol C --timeframe 1d --method black-litterman --views views.json --lookback 2y --rebalance quarterly',
  ];
  static override flags = {
    ...settingFlags,
    method: Flags.string({ char: 'm', description: `optimizer: ${PORTFOLIO_METHODS.join(', ')}`, required: true, helpGroup: 'PORTFOLIO' }),
    lookback: Flags.string({ description: 'estimation window ending at each rebalance: bars (252) or a duration (1y, 6mo)', default: '252', helpGroup: 'PORTFOLIO' }),
    rebalance: Flags.string({ description: 'time between rebalances: daily, weekly, monthly, quarterly, yearly, bars (21) or a duration (2w)', default: 'monthly', helpGroup: 'PORTFOLIO' }),
    covariance: Flags.string({ description: `covariance estimator: ${COVARIANCE_METHODS.join(', ')}`, default: 'sample', helpGroup: 'PORTFOLIO' }),
    'target-return': Flags.string({ description: 'mean-variance: least risk at this ANNUAL return (0.08 = 8%/year)', helpGroup: 'PORTFOLIO' }),
    'target-risk': Flags.string({ description: 'mean-variance: most return at this ANNUAL volatility (0.15)', helpGroup: 'PORTFOLIO' }),
    views: Flags.string({ description: 'black-litterman: a JSON file of views with ANNUAL returns: [{"asset":"A","return":0.08,"confidence":0.6}, {"long":"A","short":"B","return":0.02}, {"weights":{"A":1,"B":-1},"return":0}]', helpGroup: 'PORTFOLIO' }),
    'long-only': Flags.boolean({ description: 'no short weights (--no-long-only allows them, gross exposure up to --leverage)', default: true, allowNo: true, helpGroup: 'PORTFOLIO' }),
    'min-weight': Flags.string({ description: 'lowest weight of any asset [default: 0 long-only, -leverage otherwise]', helpGroup: 'PORTFOLIO' }),
    'max-weight': Flags.string({ description: 'highest weight of any asset (0.3 = 30%) [default: 1, or leverage]', helpGroup: 'PORTFOLIO' }),
    'max-turnover': Flags.string({ description: 'most sum |weight change| per rebalance from the drifted weights (not applied to the first allocation)', helpGroup: 'PORTFOLIO' }),
    'turnover-cost': Flags.string({ description: 'proportional cost on traded notional (0.001 = 0.1%): the engine\'s fee rate [default: 0]', helpGroup: 'SIMULATION' }),
    fees: Flags.string({ description: 'the same as --turnover-cost (the name rrr backtest uses)', helpGroup: 'SIMULATION' }),
    select: Flags.integer({ description: 'choose this many assets on the first lookback window (simulated annealing) and allocate among them', helpGroup: 'PORTFOLIO' }),
    seed: Flags.integer({ description: 'seed of the --select annealing [default: 1]', helpGroup: 'PORTFOLIO' }),
    out: Flags.string({ char: 'o', description: 'a directory (weights and equity as Parquet and CSV) or a .csv/.parquet/.arrow file (the weight history)' }),
    force: Flags.boolean({ description: 'replace an existing --out file' }),
    rows: Flags.integer({ description: 'how many of the last rebalances to print', default: 12, min: 0 }),
  };

  async run() {
    const { flags } = await this.parse(Portfolio);
    const { parseNumberFlag } = await import('../engine/parse-options.js');
    const { runPortfolioJob } = await import('../research/portfolio/index.js');
    const { renderPortfolio } = await import('../report/portfolio.js');
    const base = await backtestOptionsFromFlags({ ...flags, strategy: 'portfolio', fees: flags.fees ?? '0' }, this.dbPath(flags.db));
    const num = (flag: 'target-return' | 'target-risk' | 'min-weight' | 'max-weight' | 'max-turnover' | 'turnover-cost' | 'fees', accepted: string) =>
      flags[flag] === undefined ? undefined : parseNumberFlag(flag, flags[flag] as string, accepted);
    const fees = num('fees', 'a fee rate such as 0.001');
    const sim = { ...base.sim, feeRate: fees };
    const started = Date.now();
    const job = await runPortfolioJob({
      symbols: base.symbols,
      files: base.files,
      timeframe: base.timeframe,
      range: base.range,
      db: base.db,
      method: flags.method,
      covariance: flags.covariance,
      lookback: flags.lookback,
      rebalance: flags.rebalance,
      targetReturn: num('target-return', 'an annual return such as 0.08'),
      targetRisk: num('target-risk', 'an annual volatility such as 0.15'),
      views: flags.views,
      longOnly: flags['long-only'],
      minWeight: num('min-weight', 'a weight such as 0 or -0.2'),
      maxWeight: num('max-weight', 'a weight such as 0.3'),
      maxTurnover: num('max-turnover', 'a sum of weight changes such as 0.5'),
      turnoverCost: num('turnover-cost', 'a cost rate such as 0.001'),
      sim,
      size: base.size,
      align: base.align,
      periodsPerYear: base.periodsPerYear,
      riskFreeRate: base.riskFreeRate,
      select: flags.select,
      seed: flags.seed,
      out: flags.out,
      force: flags.force,
      progress: (done, total) => {
        if (done === total || done % 10 === 0) {
          const seconds = (Date.now() - started) / 1000;
          const rate = done / Math.max(seconds, 1e-3);
          this.progress(`Rebalance ${done}/${total} (${rate.toFixed(1)}/s, ETA ${((total - done) / rate).toFixed(0)} s)`);
        }
      },
    });
    this.log(renderPortfolio(job, flags.rows));
    if (job.notRecorded !== undefined) {
      process.exitCode = 1;
      process.stderr.write(`The portfolio backtest finished but was not recorded: ${job.notRecorded} Its results are above; run it again to record it.\n`);
    }
    const { backtest: _b, bars: _bars, plan: _plan, ...result } = job;
    return result;
  }
}
