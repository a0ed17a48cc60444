import { Args } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class MlInspect extends RrrCommand {
  static override summary = "Show an ONNX model's input, output and metadata: features, training window, data fingerprint, creation time, walk-forward scores.";
  static override description = 'Reads the file only (onnxruntime is not needed). Models from other tools show their input and output; rrr-specific metadata is shown when present.';
  static override examples = ['<%= config.bin %> ml inspect model.onnx', '<%= config.bin %> ml inspect model.onnx --json'];
  static override args = { model: Args.string({ description: 'the .onnx file', required: true }) };

  async run() {
    const { args } = await this.parse(MlInspect);
    const { readModelInfo, modelFeatures } = await import('../../ml/inference.js');
    const { renderPairs, renderTable, significant } = await import('../../report/table.js');
    const sig = (v: unknown) => significant(v, 4);
    const info = readModelInfo(args.model);
    const meta = info.metadata;
    const json = (key: string) => {
      try {
        return meta[key] === undefined ? undefined : (JSON.parse(meta[key]) as unknown);
      } catch {
        return undefined;
      }
    };
    const windows = (json('rrr.windows') as Record<string, unknown>[] | undefined) ?? [];
    const result = {
      path: args.model,
      sha256: info.hash,
      producer: info.decoded.producer || null,
      opsets: info.decoded.opsets,
      input: info.decoded.inputs[0],
      output: info.decoded.outputs[0],
      model: meta['rrr.model'] ?? null,
      task: meta['rrr.task'] ?? null,
      features: modelFeatures(info) ?? null,
      label: meta['rrr.label'] ?? null,
      trainedFrom: meta['rrr.trainedFrom'] ?? null,
      trainedTo: meta['rrr.trainedTo'] ?? null,
      dataFingerprint: meta['rrr.dataFingerprint'] ?? null,
      createdAt: meta['rrr.createdAt'] ?? null,
      windows,
      metadata: Object.fromEntries(Object.entries(meta).filter(([k]) => k !== 'rrr.profile' && k !== 'rrr.windows')),
    };
    const shape = (v: { name: string; dims: readonly (number | string)[] }) => `${v.name} [${v.dims.join(', ')}]`;
    this.log(
      renderPairs([
        ['model', args.model],
        ['sha256', info.hash],
        ['input', shape(info.decoded.inputs[0])],
        ['output', shape(info.decoded.outputs[0])],
        ['kind', result.model ? `${result.model} (${result.task})` : 'not made by rrr'],
        ['features', result.features ? result.features.join(', ') : 'not recorded'],
        ['label', result.label ?? ''],
        ['trained on', result.trainedFrom ? `${result.trainedFrom} to ${result.trainedTo}` : 'not recorded'],
        ['data fingerprint', result.dataFingerprint ?? 'not recorded'],
        ['created at', result.createdAt ?? 'not recorded'],
      ]),
    );
    if (windows.length) {
      this.log('');
      this.log(renderTable(['window', 'test from', 'test to', 'rows', 'accuracy', 'AUC', 'IC'], windows.map((w) => [Number(w.index) + 1, w.testFrom, w.testTo, w.testRows, sig(w.accuracy), sig(w.auc), sig(w.ic)])));
    }
    return result;
  }
}
