import { Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class MlTrain extends RrrCommand {
  static override summary = 'Train a baseline model (logistic, ridge, mlp, gbdt) on a dataset, walk-forward, and export it as a standard ONNX file.';
  static override description =
    'With --walk-forward, a model is trained on each training window and scored on the test window after it (out-of-sample accuracy, AUC and information coefficient); ' +
    'windows are laid out as in rrr walkforward (--train, --test, --purge, --embargo, --anchored), and --purge must cover the label\'s horizon. ' +
    'The exported model is trained on the latest --train span (all rows without --walk-forward). logistic, mlp and gbdt predict the probability that the label is > 0; ridge predicts the label. ' +
    'The features are normalised with statistics of the training rows only, inside the ONNX graph. Training is seeded (--seed): the same data give the same file.';
  static override examples = [
    '<%= config.bin %> ml train --dataset demo.parquet --label fwd_5 --model gbdt --walk-forward --train 500 --test 250 --purge 5 --out demo.onnx',
    '<%= config.bin %> ml train --dataset data.parquet --model logistic --walk-forward --train 180d --test 30d --purge 1d --embargo 1d --out model.onnx',
  ];
  static override flags = {
    dataset: Flags.string({ description: 'the file rrr ml dataset wrote (.parquet or .csv)', required: true }),
    label: Flags.string({ description: 'label column to learn [default: the first label]' }),
    model: Flags.string({ description: 'model kind', options: ['logistic', 'ridge', 'mlp', 'gbdt'], required: true }),
    'walk-forward': Flags.boolean({ description: 'score out of sample over walk-forward windows (needs --train and --test)' }),
    train: Flags.string({ description: 'training window: bars (500) or a duration (180d)', helpGroup: 'WINDOWS' }),
    test: Flags.string({ description: 'test window: bars or a duration', helpGroup: 'WINDOWS' }),
    purge: Flags.string({ description: 'left out between training and test: bars or a duration', default: '0', helpGroup: 'WINDOWS' }),
    embargo: Flags.string({ description: 'after each test, neither tested nor trained on: bars or a duration', default: '0', helpGroup: 'WINDOWS' }),
    anchored: Flags.boolean({ description: 'every training window starts at the first row', helpGroup: 'WINDOWS' }),
    seed: Flags.integer({ description: 'seed of the mlp initialisation and batches', default: 1 }),
    out: Flags.string({ char: 'o', description: 'the .onnx file to write', required: true }),
    force: Flags.boolean({ description: 'replace --out if it exists' }),
  };

  async run() {
    const { flags } = await this.parse(MlTrain);
    const { UserError } = await import('../../errors.js');
    const { existsSync, renameSync, rmSync, writeFileSync } = await import('node:fs');
    const { readDataset } = await import('../../ml/dataset.js');
    const { trainOnDataset } = await import('../../ml/train.js');
    const { exportOnnx } = await import('../../ml/onnx/export.js');
    const { parseWindowLength } = await import('../../research/walkforward/windows.js');
    const { renderTable, significant } = await import('../../report/table.js');
    const sig = (v: number | null) => significant(v, 4);
    if (!/\.onnx$/i.test(flags.out)) throw new UserError(`--out ${flags.out} must end in .onnx.`, { code: 'RRR_BAD_OUT' });
    if (existsSync(flags.out) && !flags.force) throw new UserError(`--out ${flags.out} already exists: pass --force to replace it, or choose another path.`, { code: 'RRR_OUT_EXISTS' });
    const wf = flags['walk-forward'];
    if (!wf) {
      const given = (['train', 'test', 'anchored'] as const).filter((f) => flags[f] !== undefined && flags[f] !== false);
      if (flags.purge !== '0') given.push('purge' as never);
      if (flags.embargo !== '0') given.push('embargo' as never);
      if (given.length) throw new UserError(`--${given[0]} sets a walk-forward window: add --walk-forward, or drop it to train on every row.`, { code: 'RRR_NEEDS_WALK_FORWARD' });
    } else {
      for (const flag of ['train', 'test'] as const) {
        if (flags[flag] === undefined) throw new UserError(`--walk-forward needs --${flag}: give it as bars (500) or a duration (${flag === 'train' ? '180d' : '30d'}).`, { code: 'RRR_MISSING_FLAG' });
      }
    }
    const layout = wf
      ? {
          train: parseWindowLength(flags.train!, 'train'),
          test: parseWindowLength(flags.test!, 'test'),
          purge: parseWindowLength(flags.purge, 'purge'),
          embargo: parseWindowLength(flags.embargo, 'embargo'),
          anchored: flags.anchored,
        }
      : undefined;
    const data = await readDataset(flags.dataset);
    const label = flags.label ?? data.labelNames[0];
    const kind = flags.model as 'logistic' | 'ridge' | 'mlp' | 'gbdt';
    const trained = trainOnDataset(data, kind, label, layout, { seed: flags.seed });
    const iso = (ms: number) => new Date(ms).toISOString();
    const createdAt = new Date().toISOString();
    const bytes = exportOnnx(trained.model, data.featureNames, {
      'rrr.label': label,
      'rrr.trainedFrom': iso(trained.trainedFrom),
      'rrr.trainedTo': iso(trained.trainedTo),
      'rrr.dataFingerprint': data.fingerprint,
      'rrr.createdAt': createdAt,
      'rrr.windows': JSON.stringify(trained.windows),
      'rrr.profile': JSON.stringify(trained.profile),
    });
    const temp = `${flags.out}.${process.pid}.rrr-partial`;
    try {
      writeFileSync(temp, bytes);
      renameSync(temp, flags.out);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new UserError(`Cannot write ${flags.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { exitCode: 1, code: 'RRR_WRITE_FAILED' });
    }
    const mean = (key: 'accuracy' | 'auc' | 'ic') => {
      const v = trained.windows.map((w) => w[key]).filter((x): x is number => x !== null);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    };
    const result = {
      out: flags.out,
      model: kind,
      task: trained.model.task,
      label,
      features: data.featureNames,
      trainedFrom: iso(trained.trainedFrom),
      trainedTo: iso(trained.trainedTo),
      trainRows: trained.rows,
      dataFingerprint: data.fingerprint,
      createdAt,
      windows: trained.windows,
      outOfSample: wf ? { accuracy: mean('accuracy'), auc: mean('auc'), ic: mean('ic') } : null,
    };
    if (trained.windows.length) {
      this.log(renderTable(['window', 'train from', 'train to', 'test from', 'test to', 'test rows', 'accuracy', 'AUC', 'IC'], trained.windows.map((w) => [w.index + 1, w.trainFrom, w.trainTo, w.testFrom, w.testTo, w.testRows, sig(w.accuracy), sig(w.auc), sig(w.ic)])));
      const o = result.outOfSample!;
      this.log(`\nOut of sample, mean over ${trained.windows.length} windows: accuracy ${fmt(o.accuracy)}, AUC ${fmt(o.auc)}, IC ${fmt(o.ic)}.`);
    } else {
      this.log('No out-of-sample scores: add --walk-forward --train N --test N to get them.');
    }
    this.log(`Wrote ${kind} model (${trained.model.task}, ${data.featureNames.length} features, label ${label}, trained on ${trained.rows} rows from ${result.trainedFrom} to ${result.trainedTo}) to ${flags.out}.`);
    return result;
  }
}

function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(4);
}
