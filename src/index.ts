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
export { int, float, choice, bool, text, resolveParams } from './strategies/params.js';
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

// Paper and live trading (docs/live.md): the runner, brokers, risk guard, journal, the local exchange
export type { OrderSide, OrderType, OrderState, OrderRequest, Fill, OrderStatus, AccountSnapshot, RiskState, RiskDecision, LiveBar, JournalEntry, RunConfig, MarketInfo, Broker, Feed } from './live/types.js';
export { Runner } from './live/runner.js';
export type { RunnerOptions, RunSummary, JournalSink } from './live/runner.js';
export type { Execution } from './live/execution.js';
export { PaperBroker } from './live/paper-broker.js';
export { ExchangeExecution } from './live/exchange-execution.js';
export { BarHistory } from './live/history.js';
export { ReplayFeed } from './live/replay-feed.js';
export type { ReplayOptions } from './live/replay-feed.js';
export { paperRunner, refuseForLive } from './live/paper-run.js';
export type { PaperRunSpec, PaperRunnerOptions } from './live/paper-run.js';
export { runParity } from './live/parity.js';
export type { ParityResult, ParityFill } from './live/parity.js';
export { runPaperSession, KILL_FILE } from './live/session.js';
export type { PaperSessionOptions, PaperSessionResult, PaperJob } from './live/session.js';
export { runExchangeSession } from './live/exchange-session.js';
export type { ExchangeSessionOptions, ExchangeSessionResult } from './live/exchange-session.js';
export { ReplayingSink } from './live/replay-journal.js';
export { applyOrderEvent, trackOrder, fillEvent, orderStatus, isTerminal, ORDER_TRANSITIONS, OrderEventError } from './live/orders.js';
export type { OrderEvent, OrderEventType, TrackedOrder } from './live/orders.js';
export { RiskGuard } from './live/risk-guard.js';
export type { RiskAction, RiskUpdate, RiskCheckContext, RiskGuardSnapshot } from './live/risk-guard.js';
export { parseRiskConfig, riskConfigFromJson, describeRiskConfig, parseRiskLength, describeRiskLength } from './live/risk-config.js';
export type { RiskConfig, RiskLength, LossLimit, RiskFlagText } from './live/risk-config.js';
export { preTradeCheck, preTradeDecision, roundToStep } from './live/pre-trade.js';
export type { MarketFilters, PreTradeResult, PreTradeOptions } from './live/pre-trade.js';
export { createRunFolder, findRunFolder, listRuns as listLiveRuns, latestRun, liveBase } from './live/run-folder.js';
export type { RunFolder, RunMode } from './live/run-folder.js';
export { Journal, readJournal, runOwner, processAlive, JOURNAL_FILE, OWNER_FILE } from './live/journal.js';
export type { JournalContents, JournalOpenResult } from './live/journal.js';
export { RunStateBuilder, publicConfig } from './live/run-state.js';
export type { RunStatus, StatusOrder, StatusPosition } from './live/run-state.js';
export { startStatusServer, queryRun, loadRunStatus, renderMetrics, healthOf } from './live/status-server.js';
export type { StatusServer, Health, Endpoint } from './live/status-server.js';
export { loadKeys, requireKeys, redactor, keysRedactor } from './live/keys.js';
export type { ApiKeys } from './live/keys.js';
export { liveGate, passLiveGate } from './live/live-gate.js';
export type { LiveGateInput, LiveGateDecision } from './live/live-gate.js';
export { ExchangeFeed } from './live/exchange-feed.js';
export type { ExchangeFeedOptions } from './live/exchange-feed.js';
export { ExchangeBroker } from './live/exchange-broker.js';
export type { ExchangeBrokerOptions } from './live/exchange-broker.js';
export { createExchange, callExchange, loadMarkets, findMarket, marketInfo, checkTimeframe, redirectApiUrls, parseExchangeUrl } from './exchange/client.js';
export type { ExchangeOptions } from './exchange/client.js';
export { ExchangeFailure, exchangeFailure } from './exchange/errors.js';
export type { ExchangeErrorKind } from './exchange/errors.js';
export { withRetry, backoffDelay } from './exchange/retry.js';
export type { RetryOptions } from './exchange/retry.js';
export { startEmulator, parseMarketSymbol, BINANCE_INTERVALS, deriveFilters, DEFAULT_API_KEY, DEFAULT_SECRET } from './exchange/emulator/index.js';
export type { Emulator, EmulatorOptions, EmulatorState, FaultSpec, SymbolFilters } from './exchange/emulator/index.js';

// Market data from exchanges and vendors (rrr data fetch, crosscheck, update)
export { fetchBars, fetchRange, plannedWindows, DEFAULT_CHUNK_BARS } from './fetch/pipeline.js';
export { PolygonSource, polygonKeyFromEnv } from './fetch/polygon.js';
export { CcxtSource } from './fetch/ccxt.js';
export { createSources, parseSourceList, VENDORS } from './fetch/sources.js';
export { compareBars, collectBars, DEFAULT_TOLERANCE } from './fetch/crosscheck.js';
export { provenanceOf, fetchedSeries } from './fetch/provenance.js';
export { updateSeries } from './fetch/update.js';
export type { BarSource, BarPage } from './fetch/types.js';
export type { FetchOptions, FetchResult } from './fetch/pipeline.js';
export type { CrosscheckReport } from './fetch/crosscheck.js';
export type { SourceSpan, SourceRef } from './fetch/provenance.js';

// Models inside strategies (docs/ml.md): features, labels, training, ONNX export and inference, drift
export { featurePipeline, parseFeature, computeFeatures, latestFeatures, toMatrix, fitNormalization, normalize, parseLabels, computeLabels, forwardReturn, tripleBarrier, labelName, accuracy, auc, informationCoefficient, trainModel, scoreModel, defaultTask, MODEL_KINDS, exportOnnx, encodeModel, decodeModel, openSession, readModelInfo, checkModelFeatures, modelFeatures, predictModel, predictionCacheStats, clearPredictionCache, inSampleBars, defineModelStrategy, strategyFeatures, populationStabilityIndex, kolmogorovSmirnov, effectiveSize, featureDrift, featureProfile, checkModelAge, buildDataset, writeDataset, readDataset, trainOnDataset, labelHorizon } from './ml/index.js';
export type { FeatureDef, FeaturePipeline, Normalization, LabelSpec, LabelColumn, ModelKind, Task, TrainedModel, ModelParams, TrainOptions, ModelSpec, GraphSpec, NodeSpec, TensorSpec, ValueSpec, DecodedModel, OnnxSession, ModelInfo, ModelStrategy, DriftReport, FeatureDrift, DriftThresholds, FeatureProfile, Dataset, LoadedDataset, TrainingResult, WindowScore } from './ml/index.js';

// Sweeps on several machines (docs/scaling.md): BullMQ on Redis
export { parseQueueUrl, redactUrl, QueueEvaluator, startWorker, queueStatus, queueSearchBatch } from './research/queue/index.js';
export type { RedisTarget, QueueEvaluatorOptions, RunningWorker, WorkerOptions, QueueStatus, WorkerInfo } from './research/queue/index.js';
export { openMonteCarloQueue, QueueCoordinator } from './research/queue/index.js';
export type { MonteCarloQueue, CoordinatorOptions } from './research/queue/index.js';
