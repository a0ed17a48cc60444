/**
 * Walk-forward training: the windows of src/research/walkforward (same flags, same layout: --train,
 * --test, --purge, --embargo, --anchored), a model trained on each training range and scored on its test
 * range out of sample (accuracy, AUC, information coefficient), and the model to export trained on the
 * last training range. The purge must cover the label's horizon: a training label at the end of a range
 * looks that many bars ahead, into the test.
 */
import { formatTime } from '../data/time.js';
import { UserError } from '../errors.js';
import { walkForwardWindows, type WindowSettings } from '../research/walkforward/windows.js';
import type { Dataset } from './dataset.js';
import { accuracy, auc, informationCoefficient } from './metrics.js';
import { defaultTask, scoreModel, trainModel, type ModelKind, type TrainedModel, type TrainOptions } from './models/index.js';
import { featureProfile, type FeatureProfile } from './drift.js';

export interface WindowScore {
  index: number;
  trainFrom: string;
  trainTo: string;
  testFrom: string;
  testTo: string;
  trainRows: number;
  testRows: number;
  accuracy: number | null;
  auc: number | null;
  ic: number | null;
}

export interface TrainingResult {
  model: TrainedModel;
  label: string;
  trainedFrom: number;
  trainedTo: number;
  rows: number;
  windows: WindowScore[];
  profile: FeatureProfile;
}

/** Bars a label looks ahead: fwd_H and tb_UP_DOWN_H end in their horizon. */
export function labelHorizon(label: string): number {
  const m = /_(\d+)$/.exec(label);
  return m ? Number(m[1]) : 0;
}

/** Row-major matrix and labels of the usable rows (no NaN) in [from, to). */
function design(data: Dataset, y: Float64Array, from: number, to: number): { x: Float64Array; y: Float64Array; rows: number } {
  const f = data.features.length;
  const keep = new Int32Array(Math.max(0, to - from));
  let rows = 0;
  for (let i = from; i < to; i++) {
    if (Number.isNaN(y[i])) continue;
    let ok = true;
    for (let j = 0; j < f && ok; j++) if (!Number.isFinite(data.features[j][i])) ok = false;
    if (ok) keep[rows++] = i;
  }
  const x = new Float64Array(rows * f);
  const labels = new Float64Array(rows);
  for (let r = 0, o = 0; r < rows; r++) {
    const i = keep[r];
    labels[r] = y[i];
    for (let j = 0; j < f; j++) x[o++] = data.features[j][i];
  }
  return { x, y: labels, rows };
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

export function trainOnDataset(data: Dataset, kind: ModelKind, label: string, layout: WindowSettings | undefined, options: TrainOptions = {}): TrainingResult {
  const k = data.labelNames.indexOf(label);
  if (k < 0) throw new UserError(`The dataset has no label ${label}: its labels are ${data.labelNames.join(', ')}.`, { code: 'RRR_UNKNOWN_LABEL' });
  if (data.featureNames.includes(label)) throw new UserError(`Label ${label} is also a feature column: labels and features must be different columns.`, { code: 'RRR_LABEL_OVERLAP' });
  const y = data.labels[k];
  const f = data.features.length;
  const task = defaultTask(kind);
  const fit = (from: number, to: number, what: string) => {
    const d = design(data, y, from, to);
    if (d.rows < Math.max(10, 2 * f)) {
      throw new UserError(`${what} holds ${d.rows} usable rows for ${f} features: give a longer --train or more data.`, { exitCode: 1, code: 'RRR_TOO_FEW_ROWS' });
    }
    return { d, model: trainModel(kind, d.x, d.y, d.rows, f, options, task) };
  };
  const windows: WindowScore[] = [];
  let last = { from: 0, to: data.time.length };
  if (layout) {
    const horizon = labelHorizon(label);
    const planned = walkForwardWindows(data.time, layout);
    for (const w of planned) {
      if (w.test.from - w.train.to < horizon) {
        throw new UserError(
          `--purge ${layout.purge?.text ?? '0'} leaves ${w.test.from - w.train.to} bars between training and test but label ${label} looks ${horizon} bars ahead, so training labels would overlap the test: give --purge ${horizon} or more.`,
          { code: 'RRR_LABEL_OVERLAP' },
        );
      }
    }
    for (const w of planned) {
      const { d, model } = fit(w.train.from, w.train.to, `Training window ${w.index + 1} (${formatTime(data.time[w.train.from])} to ${formatTime(data.time[w.train.to - 1])})`);
      const test = design(data, y, w.test.from, w.test.to);
      const score = scoreModel(model, test.x, test.rows, f);
      windows.push({
        index: w.index,
        trainFrom: formatTime(data.time[w.train.from]),
        trainTo: formatTime(data.time[w.train.to - 1]),
        testFrom: formatTime(data.time[w.test.from]),
        testTo: formatTime(data.time[w.test.to - 1]),
        trainRows: d.rows,
        testRows: test.rows,
        accuracy: task === 'classification' ? finiteOrNull(accuracy(score, test.y)) : finiteOrNull(accuracy(score, test.y, 0)),
        auc: finiteOrNull(auc(score, test.y)),
        ic: finiteOrNull(informationCoefficient(score, test.y)),
      });
    }
    // The model to use from here on: trained on the latest --train span, ending at the last usable label.
    const end = lastLabelled(y) + 1;
    const lastWindow = planned[planned.length - 1];
    const span = lastWindow.train.to - lastWindow.train.from;
    last = { from: layout.anchored ? 0 : Math.max(0, end - span), to: end };
  }
  const { d, model } = fit(last.from, last.to, 'The final training range');
  return {
    model,
    label,
    trainedFrom: data.time[last.from],
    trainedTo: data.time[last.to - 1],
    rows: d.rows,
    windows,
    profile: featureProfile(data.featureNames, data.features, last.from, last.to),
  };
}

function lastLabelled(y: Float64Array): number {
  for (let i = y.length - 1; i >= 0; i--) if (!Number.isNaN(y[i])) return i;
  return y.length - 1;
}
