/** Walk-forward analysis: windows, the per-window search and test, the stitched out-of-sample equity. */
export { parseWindowLength, walkForwardWindows, type WalkForwardWindow, type WindowLength, type WindowSettings } from './windows.js';
export { runWalkForward, type DatedRange, type WalkForwardHooks, type WalkForwardProgress, type WalkForwardResult, type WalkForwardSetup, type WindowResult } from './run.js';
export { stitchEquity, type StitchedEquity, type TestSegment } from './stitch.js';
export { parameterStability, type ParameterStability } from './stability.js';
export { summarizeWalkForward, type WalkForwardContext, type WalkForwardSummary } from './summary.js';
