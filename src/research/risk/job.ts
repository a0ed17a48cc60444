/**
 * `rrr risk` as a library call: get the portfolio's returns (a recorded run re-run read-only, a backtest from
 * its settings, or a static portfolio of stored symbols), check the settings against them and compute the
 * report. Nothing is written.
 */
import { UserError } from '../../errors.js';
import { analyzeRisk, DEFAULT_RISK_SETTINGS, type RiskReport, type RiskSettings } from '../../risk/analyze.js';
import type { BacktestJobOptions } from '../backtest-job.js';
import { benchmarkReturns, loadBacktest, loadPortfolio, type PortfolioSpec, type RiskSource } from './sources.js';

export interface RiskJobOptions {
  /** One of: a recorded run's id, backtest settings, or a static portfolio. */
  run?: string;
  backtest?: BacktestJobOptions;
  portfolio?: PortfolioSpec;
  db: string;
  /** A stored symbol (same timeframe) for beta. */
  benchmark?: string;
  settings?: Partial<RiskSettings>;
}

export interface RiskJobResult {
  source: RiskSource;
  report: RiskReport;
}

const whole = (x: number) => Number.isSafeInteger(x);

/** The settings' own checks, before any data is read. */
export function checkRiskSettings(settings: RiskSettings): void {
  for (const c of settings.confidences) {
    if (!(c > 50 && c < 100)) throw new UserError(`--confidence ${c} is not valid: give percentages above 50 and below 100, e.g. 95,99.`, { code: 'RRR_BAD_CONFIDENCE' });
  }
  if (settings.confidences.length === 0) throw new UserError('--confidence needs at least one percentage, e.g. 95,99.', { code: 'RRR_BAD_CONFIDENCE' });
  if (!(whole(settings.horizon) && settings.horizon >= 1)) throw new UserError(`--horizon ${settings.horizon} is not valid: give a whole number of periods of 1 or more, e.g. 10.`, { code: 'RRR_BAD_HORIZON' });
  if (!(whole(settings.simulations) && settings.simulations >= 1 && settings.simulations <= 100_000_000)) {
    throw new UserError(`--simulations ${settings.simulations} is not valid: give a whole number of Monte Carlo draws from 1 to 100000000, e.g. 100000.`, { code: 'RRR_BAD_SIMULATIONS' });
  }
  if (!whole(settings.seed)) throw new UserError(`--seed ${settings.seed} is not valid: give a whole number, e.g. 42.`, { code: 'RRR_BAD_SEED' });
  if (!(whole(settings.backtestWindow) && settings.backtestWindow >= 10)) throw new UserError(`--backtest-window ${settings.backtestWindow} is not valid: give a whole number of periods of 10 or more, e.g. 250.`, { code: 'RRR_BAD_WINDOW' });
  if (!(whole(settings.correlationWindow) && settings.correlationWindow >= 3)) throw new UserError(`The correlation window ${settings.correlationWindow} is not valid: give a whole number of periods of 3 or more, e.g. 63.`, { code: 'RRR_BAD_WINDOW' });
}

export async function riskJob(options: RiskJobOptions): Promise<RiskJobResult> {
  const given = [options.run !== undefined, options.backtest !== undefined, options.portfolio !== undefined].filter(Boolean).length;
  if (given !== 1) {
    throw new UserError('Say which portfolio to analyse, one way only: --run RUN_ID, --strategy with the flags of rrr backtest, or --symbol A --symbol B --weights 0.5,0.5.', { code: 'RRR_MISSING_FLAG' });
  }
  const settings: RiskSettings = { ...DEFAULT_RISK_SETTINGS, ...options.settings };
  checkRiskSettings(settings);
  if (options.backtest?.riskFreeRate) {
    throw new UserError('--risk-free applies to the Sharpe and Sortino of rrr backtest; risk figures do not use a risk-free rate: remove --risk-free.', { code: 'RRR_SETTING_NOT_APPLICABLE' });
  }
  const loaded = options.portfolio ? await loadPortfolio(options.portfolio, options.db) : await loadBacktest({ run: options.run, backtest: options.backtest, db: options.db });
  const n = loaded.input.returns.length;
  if (settings.horizon > n) {
    throw new UserError(`--horizon ${settings.horizon} is longer than the data: ${loaded.source.from} .. ${loaded.source.to} holds ${n} ${loaded.source.timeframe} returns; give a horizon of at most ${n} (far fewer for a meaningful VaR).`, { code: 'RRR_HORIZON_TOO_LONG' });
  }
  let benchmark;
  if (options.benchmark !== undefined) {
    const aligned = await benchmarkReturns(options.benchmark, loaded.source.timeframe, loaded.input.times, loaded.input.returns, options.db);
    benchmark = { symbol: options.benchmark, ...aligned };
  }
  const report = analyzeRisk({ ...loaded.input, ...(benchmark ? { benchmark } : {}) }, settings);
  if (loaded.assetsLeftOut) report.notes.push(loaded.assetsLeftOut);
  return { source: loaded.source, report };
}
