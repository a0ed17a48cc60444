/** Inputs and outputs of computeMetrics(). Formulas and conventions: docs/metrics.md. */

/**
 * Trades as columns. The statistics use closed trades only: rows with isOpen = 1 (a position still open at the
 * end, marked to market) are left out of them and reported in `openTrades`. An engine's TradeLog fits as is.
 */
export interface TradeColumns {
  /** Bar index of the entry fill. */
  entryBar: Int32Array;
  /** Bar index of the exit fill. */
  exitBar: Int32Array;
  /** Profit or loss in account currency, after costs. */
  pnl: Float64Array;
  /** Return of the trade in percent (5 means +5 %). */
  returnPct: Float64Array;
  /** Number of valid rows (the arrays may be longer). */
  count: number;
  /** 1 = still open at the end (marked to market). Absent: every row is a closed trade. */
  isOpen?: Uint8Array;
  /** Asset index of each row (0 when absent); tradeStatsByAsset() groups by it. */
  asset?: Int32Array;
  /** Fees of each row, currency. */
  fees?: Float64Array;
  /** Signed units (> 0 long), for openTrades. */
  size?: Float64Array;
  /** Entry fill price, for openTrades. */
  entryPrice?: Float64Array;
  /** Exit price; for an open row, the price it is marked at. */
  exitPrice?: Float64Array;
}

/** A position still open after the last bar: part of equity, not of the trade statistics. */
export interface OpenTrade {
  asset: number;
  /** null when the columns carry no size. */
  direction: 'long' | 'short' | null;
  entryBar: number;
  /** ISO-8601 UTC time of the entry bar. */
  entryTime: string | null;
  entryPrice: number | null;
  /** Signed units. */
  size: number | null;
  /** The last close it is marked at. */
  markPrice: number | null;
  /** Bars from the entry to the last bar. */
  barsHeld: number;
  /** size x (markPrice - entryPrice) - entry fees: what closing at the mark without exit costs would give. */
  unrealizedPnl: number | null;
  /** unrealizedPnl / (|size| x entryPrice), percent. */
  returnPct: number | null;
}

/** Closed-trade statistics of one asset (tradeStatsByAsset), computed like the portfolio-level ones. */
export interface AssetTradeStats {
  asset: number;
  /** Closed trades. */
  tradeCount: number;
  winRatePct: number | null;
  /** Sum of closed-trade pnl, currency. */
  totalPnl: number;
  /** Fees of every fill on this asset, open position included, currency. */
  feesPaid: number;
  /** Geometric mean closed-trade return, percent. */
  averageTradePct: number | null;
  profitFactor: number | null;
  /** Positions of this asset still open at the end (0 or 1). */
  openTrades: number;
  /** Sum of the open positions' unrealizedPnl, currency (0 when none). */
  unrealizedPnl: number;
}

export interface MetricsInput {
  /** Epoch milliseconds of each bar. */
  time: Float64Array;
  /** Portfolio value at each bar's close (same length as `time`). */
  equity: Float64Array;
  trades: TradeColumns;
  /** Bars during which the position was non-zero. */
  exposureBars: number;
  feesPaid: number;
  initialCash: number;
  /** Close prices of the traded data, for buy-and-hold. */
  benchmarkClose?: Float64Array;
}

export interface MetricsOptions {
  /** Bars per year used to annualize (e.g. 365 for daily crypto, 252 for daily stocks, 8760 for hourly crypto). */
  periodsPerYear: number;
  /** Annual risk-free rate as a fraction (0.04 = 4 %); default 0. */
  riskFreeRate?: number;
  /**
   * Compute only these metrics, each with exactly the value the full computation gives, and skip the passes
   * no listed metric needs (a sweep that ranks on one objective and checks one constraint asks for just those):
   * the trade statistics unless a trade metric is listed, the pass over equity unless a return or drawdown
   * metric is, the moments unless volatility, Sharpe, skew, kurtosis or VaR/CVaR is, the lower-tail selection
   * unless VaR or CVaR is. Every metric not listed is null, except `bars`, `tradeCount` and `feesPaid`, which
   * cost nothing and are always given, as is `openTrades`. Absent: every metric. An unknown key is refused.
   */
  only?: readonly MetricKey[];
  /**
   * Where the pass over equity writes the n - 1 per-bar returns (equity[i] / equity[i - 1] - 1, 0 after a bar
   * whose equity is not positive), instead of a buffer of its own: a sweep trial reads them again for its
   * overfitting statistics. They are left in bar order when returnsInOrder(only) says so (the value-at-risk
   * selection reorders them), and are written only when a listed metric needs that pass.
   */
  returns?: Float64Array;
}

/**
 * The statistics of one backtest. Every number is finite or null: null means "not defined for this input"
 * (too few bars, returns or trades, or a zero denominator), never a stand-in for infinity.
 */
export interface Metrics {
  /** ISO-8601 UTC time of the first bar. */
  startTime: string | null;
  /** ISO-8601 UTC time of the last bar. */
  endTime: string | null;
  /** (last time - first time) in days of 86,400,000 ms. */
  durationDays: number | null;
  /** Number of bars (equity points). */
  bars: number;
  /** exposureBars / bars, percent. */
  exposurePct: number | null;
  /** Equity at the last bar. */
  finalEquity: number | null;
  /** (finalEquity / initialCash - 1), percent. */
  totalReturnPct: number | null;
  /** Buy-and-hold of benchmarkClose: last valid / first valid - 1, percent. */
  buyAndHoldReturnPct: number | null;
  /** Compound annual growth rate over calendar time, percent. */
  cagrPct: number | null;
  /** Sample standard deviation of per-bar returns x sqrt(periodsPerYear), percent. */
  annualVolatilityPct: number | null;
  /** Annualized Sharpe ratio of per-bar returns. */
  sharpe: number | null;
  /** Annualized Sortino ratio (downside deviation over all periods). */
  sortino: number | null;
  /** cagrPct / maxDrawdownPct. */
  calmar: number | null;
  /** Deepest peak-to-trough fall of equity, positive percent. */
  maxDrawdownPct: number | null;
  /** Mean of the deepest points of each drawdown episode, positive percent (0 when there is none). */
  averageDrawdownPct: number | null;
  /** Longest span from a peak to the bar that regains it (or to the last bar), in bars. */
  maxDrawdownDurationBars: number | null;
  /** Longest span from a peak to the bar that regains it (or to the last bar), in days. */
  maxDrawdownDurationDays: number | null;
  /** Historical one-bar 95 % value at risk: -(5 % quantile of per-bar returns), percent. */
  valueAtRisk95Pct: number | null;
  /** Historical one-bar 95 % expected shortfall: -(mean of returns <= the 5 % quantile), percent. */
  conditionalValueAtRisk95Pct: number | null;
  /** Sample skewness of per-bar returns (adjusted Fisher–Pearson G1). */
  skew: number | null;
  /** Sample excess kurtosis of per-bar returns (G2; 0 for a normal distribution). */
  kurtosis: number | null;
  /** Number of closed trades (an open position is in openTrades, not here). */
  tradeCount: number;
  /** Closed trades with pnl > 0 over all closed trades, percent. */
  winRatePct: number | null;
  /** Highest closed-trade returnPct. */
  bestTradePct: number | null;
  /** Lowest closed-trade returnPct. */
  worstTradePct: number | null;
  /** Geometric mean trade return, percent. */
  averageTradePct: number | null;
  /** Mean pnl per trade, currency. */
  expectancy: number | null;
  /** Arithmetic mean trade returnPct. */
  expectancyPct: number | null;
  /** Mean of exitBar - entryBar. */
  averageHoldingBars: number | null;
  /** Gross profit / gross loss of trades. */
  profitFactor: number | null;
  /** System quality number, sqrt(n) x mean(pnl) / sample std(pnl), uncapped. */
  sqn: number | null;
  /** Kelly fraction W - (1 - W) / R, percent. */
  kellyPct: number | null;
  /** Fees paid, currency. */
  feesPaid: number;
  /** Positions still open after the last bar (empty when none): in equity, not in the trade statistics. */
  openTrades: OpenTrade[];
}

/** The scalar metrics (everything but openTrades): table rows, assertions, optimization objectives. */
export type MetricKey = Exclude<keyof Metrics, 'openTrades'>;
