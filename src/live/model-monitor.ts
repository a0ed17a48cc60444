/**
 * What the live runner checks of the models a strategy runs (src/ml/predict.ts records each run): a model
 * older than --max-model-age is refused before anything is traded on it, and the recent features are compared
 * with the model's training profile (PSI and KS per feature, src/ml/drift.ts). Drift is journaled and shown by
 * `rrr status`; with --on-drift halt it pauses new entries through the risk guard until it clears.
 */
import { UserError } from '../errors.js';
import { checkModelAge, featureDrift, type FeatureProfile } from '../ml/drift.js';
import { modelInfo, takeModelUses, type ModelUse } from '../ml/predict.js';
import { DRIFT_DEFAULTS, type RiskConfig } from './risk-config.js';
import type { DriftEntry } from './types.js';

export interface MonitorReport {
  readonly entries: readonly DriftEntry[];
  /** Set when entries should pause (a sentence saying why) or resume (null); absent when nothing changes. */
  readonly pause?: string | null;
}

/** The monitor the runner calls after the strategy's signals on each bar. */
export interface BarMonitor {
  afterSignals(index: number, time: number): MonitorReport;
}

interface KnownModel {
  readonly hash: string;
  readonly profile?: FeatureProfile;
  drifted: string;
  /** Checks since the last journaled one (Infinity: none journaled yet, so the first check is). */
  sinceEntry: number;
}

/** A model's training profile from its metadata, if it carries one for exactly these features. */
function trainingProfile(use: ModelUse): FeatureProfile | undefined {
  const text = use.info.metadata['rrr.profile'];
  if (text === undefined) return undefined;
  try {
    const profile = JSON.parse(text) as FeatureProfile;
    const fits = Array.isArray(profile.names) && profile.names.join('\u0000') === use.names.join('\u0000') && Array.isArray(profile.quantiles) && profile.quantiles.length === use.names.length;
    return fits ? profile : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before the first bar, a model named by a parameter (a text value ending in .onnx) that is older
 * than --max-model-age: a live run should not wait for its first bar to learn that.
 */
export function checkModelParams(params: Readonly<Record<string, unknown>>, config: RiskConfig, now = Date.now()): void {
  if (!config.maxModelAge) return;
  for (const value of Object.values(params)) {
    if (typeof value === 'string' && /\.onnx$/i.test(value)) checkModelAge(value, modelInfo(value).metadata, config.maxModelAge.ms, now);
  }
}

export class ModelMonitor implements BarMonitor {
  private readonly models = new Map<string, KnownModel>();
  private firstBar = true;
  private readonly window: number;
  private readonly thresholds: { psi: number; ksPValue: number };
  private readonly halt: boolean;

  constructor(
    private readonly config: RiskConfig,
    /** The clock of model ages: the wall clock, in a replay too (a model expires now, not in the data's past). */
    private readonly wallClock: () => number = Date.now,
  ) {
    const drift = { ...DRIFT_DEFAULTS, ...config.drift };
    this.window = drift.window;
    this.thresholds = { psi: drift.psi, ksPValue: drift.ksPValue };
    this.halt = drift.action === 'halt';
  }

  afterSignals(index: number, time: number): MonitorReport {
    const uses = takeModelUses();
    if (this.firstBar) {
      this.firstBar = false;
      const given = [this.config.maxModelAge && '--max-model-age', this.config.drift && 'the drift flags'].filter(Boolean);
      if (uses.length === 0 && given.length > 0) {
        throw new UserError(`This strategy ran no model on its first bar, so ${given.join(' and ')} cannot apply: remove ${given.length > 1 ? 'them' : 'it'}.`, { code: 'RRR_NO_MODEL' });
      }
    }
    const entries: DriftEntry[] = [];
    const was = this.drifting();
    for (const use of uses) {
      let known = this.models.get(use.path);
      if (!known || known.hash !== use.info.hash) {
        if (this.config.maxModelAge) checkModelAge(use.path, use.info.metadata, this.config.maxModelAge.ms, this.wallClock());
        known = { hash: use.info.hash, profile: trainingProfile(use), drifted: '', sinceEntry: Infinity };
        this.models.set(use.path, known);
        if (!known.profile) {
          if (this.halt) throw new UserError(`--on-drift halt needs the training profile that rrr ml train writes into a model (rrr.profile metadata for its features), and model ${use.path} has none: retrain it with rrr ml train or use --on-drift warn.`, { code: 'RRR_NO_PROFILE' });
          entries.push({ kind: 'drift', time, index, model: use.path, window: this.window, drifted: [], features: [], unchecked: 'the model carries no training profile (rrr.profile metadata), so its drift is not checked' });
        }
      }
      if (known.profile) {
        const entry = this.check(known, use, index, time);
        if (entry) entries.push(entry);
      }
    }
    const now = this.drifting();
    if (!this.halt || now.join() === was.join()) return { entries };
    return { entries, pause: now.length === 0 ? null : `the features of ${now.join('; ')} drifted from the model's training data (PSI above ${this.thresholds.psi} and KS p-value below ${this.thresholds.ksPValue} over the last ${this.window} bars)` };
  }

  /** Models whose features drift now, as `path (feature, ...)`. */
  private drifting(): string[] {
    return [...this.models].filter(([, m]) => m.drifted !== '').map(([path, m]) => `${path} (${m.drifted.split(',').join(', ')})`);
  }

  private check(known: KnownModel, use: ModelUse, index: number, time: number): DriftEntry | undefined {
    const n = use.columns[0]?.length ?? 0;
    if (n < this.window) return undefined;
    const recent = use.columns.map((c) => c.subarray(n - this.window));
    // Not before the window is past the features' warm-up: NaN rows would shrink the sample.
    if (!recent.every((c) => Number.isFinite(c[0]))) return undefined;
    const report = featureDrift(known.profile!, recent, this.thresholds);
    const drifted = report.drifted.join(',');
    known.sinceEntry++;
    if (drifted === known.drifted && known.sinceEntry < this.window) return undefined;
    known.drifted = drifted;
    known.sinceEntry = 0;
    return { kind: 'drift', time, index, model: use.path, window: this.window, drifted: report.drifted, features: report.features };
  }
}
