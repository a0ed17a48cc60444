import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class MlEval extends RrrCommand {
  static override summary = "Score an ONNX model on a dataset: accuracy, AUC and information coefficient, out of sample (outside the model's training window) and per walk-forward window.";
  static override description =
    'The model is run through onnxruntime on the dataset rows, exactly as a strategy would run it. Rows inside the training window recorded in the model are scored apart as in-sample. ' +
    'The walk-forward windows recorded by rrr ml train are shown too.';
  static override examples = ['<%= config.bin %> ml eval demo.onnx --dataset demo.parquet', '<%= config.bin %> ml eval model.onnx --dataset data.parquet --label fwd_24 --json'];
  static override args = { model: Args.string({ description: 'the .onnx file', required: true }) };
  static override flags = {
    dataset: Flags.string({ description: 'the file rrr ml dataset wrote', required: true }),
    label: Flags.string({ description: "label column to score against [default: the model's label, else the first]" }),
  };

  async run() {
    const { args, flags } = await this.parse(MlEval);
    const { UserError } = await import('../../errors.js');
    const { readDataset } = await import('../../ml/dataset.js');
    const { openSession, checkModelFeatures } = await import('../../ml/inference.js');
    const { accuracy, auc, informationCoefficient } = await import('../../ml/metrics.js');
    const { renderTable, significant } = await import('../../report/table.js');
    const sig = (v: number | null) => significant(v, 4);
    const data = await readDataset(flags.dataset);
    const session = await openSession(args.model);
    try {
      const meta = session.info.metadata;
      checkModelFeatures(session.info, data.featureNames);
      const label = flags.label ?? (meta['rrr.label'] && data.labelNames.includes(meta['rrr.label']) ? meta['rrr.label'] : data.labelNames[0]);
      const k = data.labelNames.indexOf(label);
      if (k < 0) throw new UserError(`The dataset has no label ${label}: its labels are ${data.labelNames.join(', ')}.`, { code: 'RRR_UNKNOWN_LABEL' });
      const y = data.labels[k];
      const p = await session.predict([...data.features]);
      const from = Date.parse(meta['rrr.trainedFrom'] ?? '');
      const to = Date.parse(meta['rrr.trainedTo'] ?? '');
      const inTraining = (t: number) => Number.isFinite(from) && t >= from && t <= to;
      const threshold = meta['rrr.task'] === 'regression' ? 0 : 0.5;
      const score = (keep: (i: number) => boolean) => {
        const s: number[] = [];
        const l: number[] = [];
        for (let i = 0; i < y.length; i++) if (keep(i) && !Number.isNaN(p[i]) && !Number.isNaN(y[i])) s.push(p[i]), l.push(y[i]);
        const nz = (v: number) => (Number.isFinite(v) ? v : null);
        return { rows: s.length, accuracy: nz(accuracy(s, l, threshold)), auc: nz(auc(s, l)), ic: nz(informationCoefficient(s, l)) };
      };
      let windows: unknown[] = [];
      try {
        windows = meta['rrr.windows'] ? (JSON.parse(meta['rrr.windows']) as unknown[]) : [];
      } catch {
        windows = [];
      }
      const result = {
        model: args.model,
        dataset: flags.dataset,
        label,
        outOfSample: score((i) => !inTraining(data.time[i])),
        inSample: score((i) => inTraining(data.time[i])),
        trainingWindow: Number.isFinite(from) ? { from: meta['rrr.trainedFrom'], to: meta['rrr.trainedTo'] } : null,
        sameData: meta['rrr.dataFingerprint'] === undefined ? null : meta['rrr.dataFingerprint'] === data.fingerprint,
        windows,
      };
      this.log(
        renderTable(
          ['rows', 'count', 'accuracy', 'AUC', 'IC'],
          [
            ['out of sample', result.outOfSample.rows, sig(result.outOfSample.accuracy), sig(result.outOfSample.auc), sig(result.outOfSample.ic)],
            ['in sample (training window)', result.inSample.rows, sig(result.inSample.accuracy), sig(result.inSample.auc), sig(result.inSample.ic)],
          ],
        ),
      );
      const w = windows as { index: number; testFrom: string; testTo: string; testRows: number; accuracy: number | null; auc: number | null; ic: number | null }[];
      if (w.length) {
        this.log('\nWalk-forward windows recorded at training:');
        this.log(renderTable(['window', 'test from', 'test to', 'rows', 'accuracy', 'AUC', 'IC'], w.map((x) => [x.index + 1, x.testFrom, x.testTo, x.testRows, sig(x.accuracy), sig(x.auc), sig(x.ic)])));
      }
      return result;
    } finally {
      await session.close();
    }
  }
}
