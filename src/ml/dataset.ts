/**
 * A training set: a strategy's features and the labels asked for, one row per bar, written to Parquet
 * (or CSV/Arrow) for training in rrr or elsewhere. Columns: time, the features (named as the pipeline
 * names them: ret:5, rsi:14@1), then the labels (fwd_H, tb_UP_DOWN_H). Rows before every feature is
 * defined (the warm-up) are left out; rows at the end whose label needs bars past the data keep NaN labels.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Bars } from '../data/bars.js';
import { Store, quote } from '../data/store.js';
import { writeColumns, type OutputColumn } from '../data/write.js';
import { UserError } from '../errors.js';
import { computeFeatures, type FeaturePipeline } from './features.js';
import { computeLabels, type LabelSpec } from './labels.js';

export interface Dataset {
  readonly time: Float64Array;
  readonly featureNames: readonly string[];
  readonly features: readonly Float64Array[];
  readonly labelNames: readonly string[];
  readonly labels: readonly Float64Array[];
}

export const LABEL_COLUMN = /^(fwd|tb)_/;

export function buildDataset(pipeline: FeaturePipeline, bars: Bars, labelSpecs: readonly LabelSpec[]): Dataset {
  const labels = computeLabels(bars, labelSpecs);
  const clash = labels.find((l) => pipeline.names.includes(l.name));
  if (clash) throw new UserError(`Label ${clash.name} has the name of a feature: labels and features must be different columns.`, { code: 'RRR_LABEL_OVERLAP' });
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l.name)) throw new UserError(`--labels asks for ${l.name} twice: list each label once.`, { code: 'RRR_BAD_LABELS' });
    seen.add(l.name);
  }
  const columns = computeFeatures(pipeline, bars);
  const first = Math.min(bars.length, pipeline.lookback);
  return {
    time: bars.time.slice(first),
    featureNames: pipeline.names,
    features: columns.map((c) => c.slice(first)),
    labelNames: labels.map((l) => l.name),
    labels: labels.map((l) => l.values.slice(first)),
  };
}

export async function writeDataset(path: string, dataset: Dataset): Promise<void> {
  const columns: OutputColumn[] = [
    { name: 'time', values: dataset.time, kind: 'time' },
    ...dataset.featureNames.map((name, j) => ({ name, values: dataset.features[j] })),
    ...dataset.labelNames.map((name, j) => ({ name, values: dataset.labels[j] })),
  ];
  await writeColumns(path, columns);
}

export interface LoadedDataset extends Dataset {
  /** sha256 of the file: recorded in a model trained on it. */
  readonly fingerprint: string;
}

/** Reads a dataset written by `rrr ml dataset` (or any file with a time column, features and fwd_/tb_ labels). */
export async function readDataset(path: string): Promise<LoadedDataset> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `Dataset ${path} does not exist: make one with rrr ml dataset.` : `Cannot read dataset ${path} (${code ?? 'unreadable'}).`, { exitCode: 1, code: 'RRR_DATASET_MISSING' });
  }
  const reader = /\.csv$/i.test(path) ? 'read_csv_auto' : /\.parquet$/i.test(path) ? 'read_parquet' : undefined;
  if (!reader) throw new UserError(`Dataset ${path} is neither .parquet nor .csv: give the file rrr ml dataset wrote.`, { code: 'RRR_DATASET_FORMAT' });
  const store = await Store.scratch();
  try {
    const source = `${reader}('${path.replace(/'/g, "''")}')`;
    let described;
    try {
      described = await store.rows(`DESCRIBE SELECT * FROM ${source}`);
    } catch {
      throw new UserError(`Dataset ${path} cannot be read as ${reader === 'read_parquet' ? 'Parquet' : 'CSV'}: it may be truncated or another kind of file.`, { exitCode: 1, code: 'RRR_DATASET_CORRUPT' });
    }
    const names = described.map((r) => String(r.column_name));
    if (!names.includes('time')) throw new UserError(`Dataset ${path} has no time column: give a file written by rrr ml dataset.`, { exitCode: 1, code: 'RRR_DATASET_COLUMNS' });
    const labelNames = names.filter((n) => LABEL_COLUMN.test(n));
    const featureNames = names.filter((n) => n !== 'time' && !LABEL_COLUMN.test(n));
    if (!featureNames.length || !labelNames.length) {
      throw new UserError(`Dataset ${path} needs feature columns and label columns (fwd_H or tb_...): it has ${names.join(', ')}.`, { exitCode: 1, code: 'RRR_DATASET_COLUMNS' });
    }
    const value = (n: string) => `coalesce(TRY_CAST(${quote(n)} AS DOUBLE), 'NaN'::DOUBLE)`;
    const time = `coalesce(epoch_ms(TRY_CAST(time AS TIMESTAMP))::DOUBLE, TRY_CAST(time AS DOUBLE), 'NaN'::DOUBLE)`;
    const all = [...featureNames, ...labelNames];
    const columns = await store.doubleColumns(`SELECT ${time}, ${all.map(value).join(', ')} FROM ${source} ORDER BY 1`, [], (rows) => Array.from({ length: all.length + 1 }, () => new Float64Array(rows)));
    return {
      time: columns[0],
      featureNames,
      features: columns.slice(1, 1 + featureNames.length),
      labelNames,
      labels: columns.slice(1 + featureNames.length),
      fingerprint: createHash('sha256').update(bytes).digest('hex'),
    };
  } finally {
    store.close();
  }
}
