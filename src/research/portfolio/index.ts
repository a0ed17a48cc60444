/** The rebalancing backtest behind `rrr portfolio`: schedule, weights from past returns only, engine run, record. */
export { runPortfolioJob, type PortfolioJobOptions, type PortfolioJobResult, type RebalanceRow } from './job.js';
export { backtestPortfolio, type PortfolioBacktest, type PortfolioBacktestSpec } from './backtest.js';
export { planRebalances, type RebalancePlan, type RebalanceRecord, type RebalanceSettings } from './rebalance.js';
export { parsePortfolioLength, rebalanceSchedule, type Rebalance } from './schedule.js';
export { effectiveNumberOfBets, symmetricEigen } from './bets.js';
export { readViews } from './views.js';
