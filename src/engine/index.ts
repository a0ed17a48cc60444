/** The engine's public surface, listed by name. */
export { simulate } from './simulate.js';
export { simulatePortfolio } from './portfolio.js';
export { tradesToObjects, ordersToObjects } from './records.js';
export type { TradeRecord, OrderRecord } from './records.js';
export type {
  CostOptions,
  Direction,
  FillMode,
  OrderLog,
  PortfolioOptions,
  PortfolioResult,
  ResolvedPortfolioOptions,
  ResolvedSimOptions,
  Signals,
  SimBuffers,
  SimOptions,
  SimResult,
  SizeSpec,
  StopSpec,
  TradeLog,
} from './types.js';
export { resolveSimOptions, resolvePortfolioOptions, SIM_DEFAULTS } from './options.js';
export {
  REASON_ENTRY,
  REASON_SIGNAL,
  REASON_STOP_LOSS,
  REASON_TAKE_PROFIT,
  REASON_TRAILING_STOP,
  REASON_MAX_HOLD,
  REASON_REVERSE,
  REASON_END_OF_DATA,
  REASON_REBALANCE,
  REASON_CLOSE_AT_END,
  REASON_NAMES,
  reasonName,
} from './reasons.js';
export { slippedPrice, orderFee } from './costs.js';
export { unitsForBudget, roundToLot, realizedAnnualVol, volTargetFraction, kellyFraction } from './sizing.js';
