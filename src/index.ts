/**
 * rrr's public library API: what notebooks and user code import. Every export is listed by name.
 */
export type { Bars, BarColumns, BarField } from './data/bars.js';
export { allocateBars, makeBars, sliceBars, BAR_FIELDS } from './data/bars.js';
export { benchmarkBars, mulberry32 } from './data/synthetic.js';
export type { Timeframe } from './data/timeframe.js';
export { parseTimeframe, floorToTimeframe, addTimeframe, periodsPerYear } from './data/timeframe.js';
export { formatTime, parseDateFlag } from './data/time.js';
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
export { Store, withStore, resolveDbPath, DEFAULT_DB_PATH } from './data/store.js';
export type { OutputColumn } from './data/write.js';
export { writeColumns } from './data/write.js';
export { UserError } from './errors.js';
export { barsToArrow, barsFromArrow } from './data/arrow.js';
