/** Labels, units and one-line descriptions of every metric, in the order the report tables print them. */
import type { MetricKey } from './types.js';

/**
 * `%` percent; `ratio` a dimensionless number; `currency` the account currency; `bars` a bar count;
 * `days` calendar days; `count` a plain count; `time` an ISO-8601 UTC timestamp.
 */
export type MetricUnit = '%' | 'ratio' | 'currency' | 'bars' | 'days' | 'count' | 'time';

export interface MetricDescription {
  /** Table label, with the unit in brackets where it has one: "Max drawdown [%]". */
  readonly label: string;
  readonly unit: MetricUnit;
  /** One sentence: what it is and how it is computed. */
  readonly description: string;
}

export const METRIC_DESCRIPTIONS: { readonly [K in MetricKey]: MetricDescription } = {
  startTime: { label: 'Start', unit: 'time', description: 'Time of the first bar (ISO-8601 UTC).' },
  endTime: { label: 'End', unit: 'time', description: 'Time of the last bar (ISO-8601 UTC).' },
  durationDays: { label: 'Duration [days]', unit: 'days', description: 'Calendar days from the first bar to the last.' },
  bars: { label: 'Bars', unit: 'count', description: 'Number of bars (equity points).' },
  exposurePct: { label: 'Exposure [%]', unit: '%', description: 'Share of bars with an open position.' },
  finalEquity: { label: 'Equity final', unit: 'currency', description: 'Portfolio value at the last bar.' },
  totalReturnPct: { label: 'Return [%]', unit: '%', description: 'Final equity over initial cash, minus 1.' },
  buyAndHoldReturnPct: { label: 'Buy & hold return [%]', unit: '%', description: 'Last close over first close of the data, minus 1.' },
  cagrPct: { label: 'CAGR [%]', unit: '%', description: 'Compound annual growth rate over the calendar time of the test (365.25-day years).' },
  annualVolatilityPct: { label: 'Volatility (ann.) [%]', unit: '%', description: 'Sample standard deviation of per-bar returns times the square root of periods per year.' },
  sharpe: { label: 'Sharpe', unit: 'ratio', description: 'Mean per-bar excess return over its standard deviation, annualized by the square root of periods per year.' },
  sortino: { label: 'Sortino', unit: 'ratio', description: 'Mean per-bar excess return over the downside deviation (all periods), annualized.' },
  calmar: { label: 'Calmar', unit: 'ratio', description: 'CAGR over max drawdown.' },
  maxDrawdownPct: { label: 'Max drawdown [%]', unit: '%', description: 'Deepest fall of equity from a running peak.' },
  averageDrawdownPct: { label: 'Avg. drawdown [%]', unit: '%', description: 'Mean depth of the drawdown episodes (each counted at its deepest point).' },
  maxDrawdownDurationBars: { label: 'Max drawdown duration [bars]', unit: 'bars', description: 'Longest span from a peak to the bar that regains it, or to the last bar if never regained.' },
  maxDrawdownDurationDays: { label: 'Max drawdown duration [days]', unit: 'days', description: 'Longest calendar span from a peak to the bar that regains it, or to the last bar if never regained.' },
  valueAtRisk95Pct: { label: 'VaR 95% (1 bar) [%]', unit: '%', description: 'Historical value at risk: minus the 5% quantile of per-bar returns.' },
  conditionalValueAtRisk95Pct: { label: 'CVaR 95% (1 bar) [%]', unit: '%', description: 'Expected shortfall: minus the mean of per-bar returns at or below their 5% quantile.' },
  skew: { label: 'Skew', unit: 'ratio', description: 'Sample skewness of per-bar returns.' },
  kurtosis: { label: 'Excess kurtosis', unit: 'ratio', description: 'Sample excess kurtosis of per-bar returns (0 for a normal distribution).' },
  tradeCount: { label: 'Trades', unit: 'count', description: 'Number of closed trades.' },
  winRatePct: { label: 'Win rate [%]', unit: '%', description: 'Share of closed trades with a positive profit.' },
  bestTradePct: { label: 'Best trade [%]', unit: '%', description: 'Highest closed-trade return.' },
  worstTradePct: { label: 'Worst trade [%]', unit: '%', description: 'Lowest closed-trade return.' },
  averageTradePct: { label: 'Avg. trade [%]', unit: '%', description: 'Geometric mean of closed-trade returns.' },
  expectancy: { label: 'Expectancy', unit: 'currency', description: 'Mean profit per closed trade.' },
  expectancyPct: { label: 'Expectancy [%]', unit: '%', description: 'Arithmetic mean of closed-trade returns.' },
  averageHoldingBars: { label: 'Avg. holding [bars]', unit: 'bars', description: 'Mean number of bars from entry to exit of the closed trades.' },
  profitFactor: { label: 'Profit factor', unit: 'ratio', description: 'Gross profit over gross loss of the closed trades.' },
  sqn: { label: 'SQN', unit: 'ratio', description: 'System quality number: square root of the trade count times mean profit over its standard deviation.' },
  kellyPct: { label: 'Kelly criterion [%]', unit: '%', description: 'Kelly fraction: win rate minus loss rate over the ratio of average win to average loss.' },
  feesPaid: { label: 'Fees paid', unit: 'currency', description: 'Total fees and commissions paid.' },
};

/** Every metric key in table order. */
export const METRIC_KEYS = Object.keys(METRIC_DESCRIPTIONS) as readonly MetricKey[];
