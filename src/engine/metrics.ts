/**
 * Backtest metrics: computeMetrics() and the descriptions the report tables use.
 * Formulas, annualization and edge cases: docs/metrics.md.
 */
export { computeMetrics, returnsInOrder } from './metrics/compute.js';
export { tradeStatsByAsset } from './metrics/trades.js';
export { METRIC_DESCRIPTIONS, METRIC_KEYS } from './metrics/descriptions.js';
export type { MetricDescription, MetricUnit } from './metrics/descriptions.js';
export type { AssetTradeStats, Metrics, MetricKey, MetricsInput, MetricsOptions, OpenTrade, TradeColumns } from './metrics/types.js';
