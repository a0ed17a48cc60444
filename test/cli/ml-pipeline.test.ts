import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelInfo } from '../../src/ml/inference.js';
import { readDataset } from '../../src/ml/dataset.js';
import { computeFeatures, featurePipeline } from '../../src/ml/features.js';
import { readCsvBars } from '../helpers/shared.js';
import { rrr, tempDir } from '../helpers/cli.js';
import { exampleStrategy } from '../fixtures/ml/example-strategy.js';

const DATA = resolve('datasets/demo-a_1d.csv');

describe('rrr ml: dataset -> train -> inspect -> eval, on the demo data (the backtest: ml-backtest.test.ts)', () => {
  let cwd: string;
  let strategy: string;
  beforeAll(() => {
    cwd = tempDir('rrr-ml-');
    strategy = exampleStrategy(cwd);
  });

  it('runs end to end with the example strategy', async () => {
    const ds = rrr(['ml', 'dataset', '--strategy', strategy, '--data', DATA, '--labels', 'forward:1,5|triple-barrier:up=0.03,down=0.03,horizon=10', '--out', 'demo.parquet', '--json'], { cwd });
    expect(ds.stderr).toBe('');
    expect(ds.status).toBe(0);
    const dsOut = ds.json();
    expect(dsOut.labels).toEqual(['fwd_1', 'fwd_5', 'tb_0.03_0.03_10']);
    expect(dsOut.features).toEqual(['ret:1', 'ret:5', 'ret:20', 'vol:20', 'zscore:20', 'rsi:14', 'ret:1@1', 'ret:1@2']);
    // The file holds what the library computes from the same bars (from the first bar every feature has).
    const data = await readDataset(join(cwd, 'demo.parquet'));
    const bars = readCsvBars(DATA);
    const columns = computeFeatures(featurePipeline(dsOut.features), bars);
    const first = bars.length - data.time.length;
    expect(first).toBe(dsOut.warmupBars);
    expect(data.time[0]).toBe(bars.time[first]);
    expect(data.features[5][100]).toBe(columns[5][first + 100]);
    expect(data.labels[1][100]).toBeCloseTo(Math.log(bars.close[first + 105] / bars.close[first + 100]), 14);

    const tr = rrr(['ml', 'train', '--dataset', 'demo.parquet', '--label', 'fwd_5', '--model', 'gbdt', '--walk-forward', '--train', '500', '--test', '250', '--purge', '5', '--out', 'demo.onnx', '--json'], { cwd });
    expect(tr.stderr).toBe('');
    expect(tr.status).toBe(0);
    const trOut = tr.json();
    expect(trOut.windows.length).toBe(7);
    for (const w of trOut.windows) {
      expect(w.auc).toBeGreaterThan(0);
      expect(w.auc).toBeLessThan(1);
      expect(w.testFrom > w.trainTo).toBe(true);
    }
    const info = readModelInfo(join(cwd, 'demo.onnx'));
    expect(JSON.parse(info.metadata['rrr.features'])).toEqual(dsOut.features);
    expect(info.metadata['rrr.dataFingerprint']).toBe(data.fingerprint);

    const ins = rrr(['ml', 'inspect', 'demo.onnx', '--json'], { cwd });
    expect(ins.status).toBe(0);
    expect(ins.json()).toMatchObject({ model: 'gbdt', task: 'classification', label: 'fwd_5', features: dsOut.features, trainedFrom: trOut.trainedFrom, trainedTo: trOut.trainedTo, dataFingerprint: data.fingerprint });

    const ev = rrr(['ml', 'eval', 'demo.onnx', '--dataset', 'demo.parquet', '--json'], { cwd });
    expect(ev.stderr).toBe('');
    expect(ev.status).toBe(0);
    const evOut = ev.json();
    expect(evOut.label).toBe('fwd_5');
    expect(evOut.sameData).toBe(true);
    expect(evOut.inSample.rows + evOut.outOfSample.rows).toBe(data.time.length - 5);
    // A gbdt fits its own training rows far better than unseen ones.
    expect(evOut.inSample.auc).toBeGreaterThan(evOut.outOfSample.auc);

  });
});
