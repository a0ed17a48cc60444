/**
 * rrr indicator kernels: Float64Array in, Float64Array out. Each `xxxInto` writes into buffers you give it
 * and allocates nothing per element; each `xxx` allocates its output and calls the Into form.
 * Conventions, warm-ups and differences from TA-Lib: docs/indicators.md.
 */
export { sma, smaInto, ema, emaInto, wma, wmaInto, dema, demaInto, tema, temaInto, hma, hmaInto, kama, kamaInto } from './moving-averages.js';
export {
  rsi,
  rsiInto,
  macd,
  macdInto,
  stochastic,
  stochasticInto,
  williamsR,
  williamsRInto,
  cci,
  cciInto,
  roc,
  rocInto,
  momentum,
  momentumInto,
} from './oscillators.js';
export type { MacdResult, StochasticResult } from './oscillators.js';
export {
  trueRange,
  trueRangeInto,
  atr,
  atrInto,
  bollingerBands,
  bollingerBandsInto,
  keltnerChannels,
  keltnerChannelsInto,
  donchianChannels,
  donchianChannelsInto,
} from './volatility.js';
export type { BandsResult } from './volatility.js';
export {
  adx,
  adxInto,
  aroon,
  aroonInto,
  parabolicSar,
  parabolicSarInto,
  ichimoku,
  ichimokuInto,
  superTrend,
  superTrendInto,
} from './trend.js';
export type { AdxResult, AroonResult, IchimokuResult, SuperTrendResult } from './trend.js';
export { obv, obvInto, mfi, mfiInto, rollingVwap, rollingVwapInto } from './volume.js';
export {
  rollingStd,
  rollingStdInto,
  zScore,
  zScoreInto,
  rollingMin,
  rollingMinInto,
  rollingMax,
  rollingMaxInto,
  rollingRank,
  rollingRankInto,
  linearRegressionSlope,
  linearRegressionSlopeInto,
} from './rolling.js';
export {
  crossover,
  crossoverInto,
  crossunder,
  crossunderInto,
  crossoverLevel,
  crossoverLevelInto,
  crossunderLevel,
  crossunderLevelInto,
  crosses,
  crossesInto,
} from './cross.js';
