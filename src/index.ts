/**
 * rrr's public library API: what notebooks and user code import. Every export is listed by name.
 */
export type { Bars, BarColumns, BarField } from './data/bars.js';
export { allocateBars, makeBars, sliceBars, BAR_FIELDS } from './data/bars.js';
export { benchmarkBars, mulberry32 } from './data/synthetic.js';
export type { Timeframe, Annualization } from './data/timeframe.js';
export { parseTimeframe, floorToTimeframe, addTimeframe, periodsPerYear, annualization } from './data/timeframe.js';
export { formatTime, parseDateFlag, parseTimeBound } from './data/time.js';
export type { LoadOptions, PanelOptions } from './data/load.js';
export { loadBars, loadPanel } from './data/load.js';
export type { Panel, AlignMode } from './data/align.js';
export { alignBars } from './data/align.js';
export type { ImportOptions, ImportResult, UpsertResult } from './data/import.js';
export { importBars, upsertSeries } from './data/import.js';
export type { QualityReport, QualityCheck, QualityOptions, QualityCheckName, QualitySeverity } from './data/quality.js';
export { validateBars } from './data/quality.js';
export type { ResampleResult } from './data/resample.js';
export { resampleBars } from './data/resample.js';
export type { SeriesInfo } from './data/series.js';
export { listSeries, removeSeries } from './data/series.js';
export { Store, withStore, resolveDbPath, DEFAULT_DB_PATH, setStoreWait, setStoreNotice, MIGRATIONS, SCHEMA_VERSION } from './data/store.js';
export type { StoreOptions } from './data/store.js';
export { compactStore } from './data/store-compact.js';
export type { CompactResult } from './data/store-compact.js';
export type { OutputColumn } from './data/write.js';
export { writeColumns } from './data/write.js';
export { UserError } from './errors.js';
export { barsToArrow, barsFromArrow } from './data/arrow.js';

// Indicators (conventions and warm-ups: docs/indicators.md)
export { sma, smaInto, ema, emaInto, wma, wmaInto, dema, demaInto, tema, temaInto, hma, hmaInto, kama, kamaInto } from './indicators/moving-averages.js';
export { rsi, rsiInto, macd, macdInto, stochastic, stochasticInto, williamsR, williamsRInto, cci, cciInto, roc, rocInto, momentum, momentumInto } from './indicators/oscillators.js';
export { trueRange, trueRangeInto, atr, atrInto, bollingerBands, bollingerBandsInto, keltnerChannels, keltnerChannelsInto, donchianChannels, donchianChannelsInto } from './indicators/volatility.js';
export { adx, adxInto, aroon, aroonInto, parabolicSar, parabolicSarInto, ichimoku, ichimokuInto, superTrend, superTrendInto } from './indicators/trend.js';
export { obv, obvInto, mfi, mfiInto, rollingVwap, rollingVwapInto } from './indicators/volume.js';
export { rollingStd, rollingStdInto, zScore, zScoreInto, rollingMin, rollingMinInto, rollingMax, rollingMaxInto, rollingRank, rollingRankInto, linearRegressionSlope, linearRegressionSlopeInto } from './indicators/rolling.js';
export { crossover, crossoverInto, crossunder, crossunderInto, crossoverLevel, crossoverLevelInto, crossunderLevel, crossunderLevelInto, crosses, crossesInto } from './indicators/cross.js';
export type { MacdResult, StochasticResult } from './indicators/oscillators.js';
export type { BandsResult } from './indicators/volatility.js';
export type { AdxResult, AroonResult, IchimokuResult, SuperTrendResult } from './indicators/trend.js';

// Strategies
export { defineStrategy, strategyParams, assetCount } from './strategies/define.js';
export type { Strategy, AnyStrategy, StrategyContext } from './strategies/define.js';
export { int, float, choice, bool, resolveParams } from './strategies/params.js';
export type { ParamSpec, ParamSchema, ParamValues } from './strategies/params.js';
export { crossSignals, onsets } from './strategies/signals.js';
export { BUILTIN_STRATEGIES, builtinStrategy, resolveStrategy } from './strategies/registry.js';

// Engine (semantics: docs/simulation.md; metrics: docs/metrics.md)
export { simulate } from './engine/simulate.js';
export { simulatePortfolio } from './engine/portfolio.js';
export { runBacktest, refuseSignalOnlySettings, SIGNAL_ONLY_KEYS } from './strategies/backtest.js';
export type { BacktestSpec, BacktestResult } from './strategies/backtest.js';
export { computeMetrics, tradeStatsByAsset, METRIC_DESCRIPTIONS, METRIC_KEYS } from './engine/metrics.js';
export type { AssetTradeStats, Metrics, MetricKey, MetricsInput, MetricsOptions, OpenTrade } from './engine/metrics.js';
export { tradesToObjects, ordersToObjects } from './engine/records.js';
export type { TradeRecord, OrderRecord } from './engine/records.js';
export type { Signals, SimOptions, SimResult, PortfolioOptions, PortfolioResult, SizeSpec, StopSpec, FillMode, Direction, OrderLog, TradeLog } from './engine/types.js';

// Research
export { runBacktestJob, prepareBacktest } from './research/backtest-job.js';
export type { BacktestJobOptions, BacktestJobResult, PreparedBacktest } from './research/backtest-job.js';
export { listRuns, getRun, getRuns, recordRun, fingerprintBars, parseTag, addTags, removeTags, deleteRuns } from './data/runs.js';
export type { RunRecord, TagChange } from './data/runs.js';
export { rerunRecordedRun } from './research/rerun.js';
export type { RerunResult } from './research/rerun.js';
export { normalCdf, normalPdf, normalQuantile, logNormalCdf } from './stats/normal.js';
export { EULER_GAMMA, returnMoments, sharpeOf, probabilisticSharpeRatio, minTrackRecordLength, expectedMaxSharpe, deflatedSharpeRatio, sharpeVariance, CscvBlocks, cscvBlocks, probabilityOfBacktestOverfitting, sharpeMetric, MAX_SPLITS, auditReturns, parseReturnsCsv, readReturnsCsv } from './research/overfitting/index.js';
export type { ReturnMoments, SharpeSample, DeflatedSharpe, UnionMetric, PboResult, OverfittingAudit, OverfittingAuditOptions, ReturnsMatrix } from './research/overfitting/index.js';
export { monteCarlo, mergeMonteCarlo, MONTE_CARLO_METHODS, optimalBlockLength, wilsonInterval } from './research/montecarlo/index.js';
export type { MonteCarloMethod, MonteCarloOptions, MonteCarloResult, MonteCarloSettings, MonteCarloActual, RuinSummary, Distribution, EquityBands, PathColumns } from './research/montecarlo/index.js';
export { createSampler, strategyCheck, Study, spaceFromSchema, parseGridFlags, checkGridSize, gridSize, dimensionValues, MAX_GRID_TRIALS, SEARCH_METHODS, defaultGamma } from './research/search/index.js';
export type { SearchMethod, SamplerOptions, TpeOptions, SearchSpace, Dimension, ParamValue, Trial, TrialRecord, TrialState, Direction as SearchDirection, ParamCheck } from './research/search/index.js';
export { createEvaluator, InThreadEvaluator, PoolEvaluator, runTrial, equityReturns, toSharedBars, shareBars, sharedBarsView } from './research/sweep/index.js';
export type { PoolOptions, SharedBars, Evaluator, SweepSpec, TrialInput, TrialOutput, BarRange } from './research/sweep/index.js';
export { IndicatorCache, withIndicatorCache, DEFAULT_INDICATOR_CACHE_BYTES } from './indicators/cache.js';
export type { IndicatorCacheStats } from './indicators/cache.js';
export {
  runSearch,
  OBJECTIVE_KEYS,
  parseObjective,
  parseConstraint,
  rankTrials,
  winnerCommand,
  sensitivity,
  heatmap,
  overfitting as optimizeOverfitting,
  summarizeSearch,
  StudyRecorder,
  listStudies,
  getStudy,
  parseShard,
  shardOf,
  writeTrialsParquet,
  readShards,
} from './research/optimize/index.js';
export type { Constraint, FinishedTrial, SearchHooks, SearchProgress, SearchResult, SearchSettings, OptimizeSummary, RankedTrial, Sensitivity, Heatmap, OverfittingSummary, StudyHeader, StudyListing, StudyState, Shard } from './research/optimize/index.js';
export { parseWindowLength, walkForwardWindows, runWalkForward, stitchEquity, parameterStability, summarizeWalkForward } from './research/walkforward/index.js';
export type { WalkForwardWindow, WindowLength, WindowSettings, WalkForwardResult, WalkForwardSetup, WindowResult, WalkForwardSummary, ParameterStability, StitchedEquity } from './research/walkforward/index.js';
export { monteCarloJob } from './research/montecarlo/job.js';
export { tradeReturns, barReturns } from './research/backtest-returns.js';
export type { MonteCarloJobOptions, MonteCarloJobResult } from './research/montecarlo/job.js';
export { monteCarloParallel } from './research/montecarlo/parallel.js';

// Portfolio construction (docs/portfolio.md)
export { optimizePortfolio, portfolioStatistics, MINIMUM_ASSETS, estimateCovariance, correlationFromCovariance, parseViews, blackLittermanPosterior, hierarchicalRiskParity, riskParity, resolveConstraints, PORTFOLIO_METHODS, COVARIANCE_METHODS } from './portfolio/index.js';
export type { PortfolioMethod, CovarianceMethod, ReturnsWindow, WeightConstraints, View, OptimizeInput, OptimizeResult, CovarianceEstimate, BlackLittermanPosterior } from './portfolio/index.js';
export { selectSubset, annealSubset, exhaustiveSubset, subsetSharpe } from './portfolio/subset.js';
export type { SubsetInput, SubsetResult, SubsetObjective, SubsetScore } from './portfolio/subset.js';
export { runPortfolioJob, backtestPortfolio, planRebalances, rebalanceSchedule, parsePortfolioLength, effectiveNumberOfBets, symmetricEigen, readViews } from './research/portfolio/index.js';
export type { PortfolioJobOptions, PortfolioJobResult, RebalanceRow, PortfolioBacktest, PortfolioBacktestSpec, RebalancePlan, RebalanceRecord, RebalanceSettings, Rebalance } from './research/portfolio/index.js';

// Risk (docs/risk.md)
export {
  historicalVar,
  normalVar,
  cornishFisherVar,
  cornishFisherQuantile,
  overlappingReturns,
  returnMoments as varMoments,
  tailCount,
  monteCarloVar,
  simulatePortfolioReturns,
  NormalStream,
  kupiecTest,
  trafficLight,
  binomialCdf,
  backtestVar,
  BACKTESTED_METHODS,
  stressScenarios,
  HISTORICAL_SCENARIOS,
  correlationReport,
  concentration,
  riskContributions,
  betaTo,
  analyzeRisk,
  riskMetricKeys,
  varMetricKey,
  confidenceLabel,
  VAR_METHODS,
  DEFAULT_RISK_SETTINGS,
} from './risk/index.js';
export type { VarEstimate, ReturnMoments as VarMoments, MonteCarloVar, MonteCarloVarInput, KupiecTest, TrafficLight, TrafficLightZone, VarBacktest, StressInput, StressResult, CorrelationReport, PairStability, Concentration, Beta, RiskInput, RiskReport, RiskSettings, VarMethod, VarRow } from './risk/index.js';
export { riskJob, checkRiskSettings } from './research/risk/job.js';
export type { RiskJobOptions, RiskJobResult } from './research/risk/job.js';

// Reports: HTML (docs/report.md), terminal, DataFrames for notebooks
export { renderReportHtml, REPORT_CSP } from './report/html/page.js';
export { writeReportFile } from './report/html/write.js';
export type { WrittenReport } from './report/html/write.js';
export type { ReportDoc, ReportSection, Block } from './report/html/types.js';
export { backtestReport } from './report/html/backtest-sections.js';
export type { BacktestReportInput } from './report/html/backtest-sections.js';
export { optimizeReport, optimizeSections } from './report/html/optimize-sections.js';
export type { OptimizeReportInput, WinnerEquity } from './report/html/optimize-sections.js';
export { walkForwardReport, walkForwardSections } from './report/html/walkforward-sections.js';
export { monteCarloReport, monteCarloSections } from './report/html/montecarlo-sections.js';
export { overfittingBlock, OVERFITTING_NOTES } from './report/html/overfitting-sections.js';
export { minMaxIndices, aggregateOhlc } from './report/html/downsample.js';
export { findChromium, printPdf } from './report/pdf.js';
export { sparkline, bucketLast, renderSparklineLine, terminalColumns, SPARK_LEVELS } from './report/sparkline.js';
export { compareRuns, renderComparison, betterRuns, METRIC_BETTER, metricDifferences, describeReproduction } from './report/runs.js';
export type { RunComparison, ComparedMetric, ComparedValue, Better, MetricDifference } from './report/runs.js';
export { toDataFrame, frameFromColumns, columnsOf, tradeColumns, orderColumns, barColumns, equityColumns, runColumns, trialColumns, recordColumns } from './report/dataframe.js';
export type { Columns, DataFrame, FrameOptions } from './report/dataframe.js';
export { DEMO_SERIES, DEMO_TIMEFRAME, demoPath, importDemo } from './data/demo.js';
export { runNotebook } from './notebook/run.js';
