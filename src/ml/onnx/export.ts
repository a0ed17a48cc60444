/**
 * A trained rrr model as a standard ONNX graph: input "features" [batch, F] (double, raw features), the
 * frozen normalisation as Sub/Div, then
 *   logistic / ridge: MatMul + Add (+ Sigmoid)
 *   mlp:              MatMul/Add/Relu per layer (+ Sigmoid)
 *   gbdt:             ai.onnx.ml TreeEnsembleRegressor, Cast, Add of the base score (+ Sigmoid)
 * and output "prediction" [batch, 1] (double): the probability that the label is > 0, or the label.
 */
import type { TrainedModel } from '../models/types.js';
import { ElemType, encodeModel, type NodeSpec, type TensorSpec } from './proto.js';

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'prediction';

export function exportOnnx(model: TrainedModel, features: readonly string[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const f = features.length;
  const nodes: NodeSpec[] = [];
  const initializers: TensorSpec[] = [];
  const constant = (name: string, dims: number[], values: readonly number[]) => {
    initializers.push({ name, dims, values: Float64Array.from(values) });
    return name;
  };
  nodes.push({ op: 'Sub', inputs: [INPUT_NAME, constant('norm_mean', [f], model.normalization.mean)], outputs: ['centred'] });
  nodes.push({ op: 'Div', inputs: ['centred', constant('norm_std', [f], model.normalization.std)], outputs: ['z'] });
  const p = model.params;
  let last = 'z';
  if (p.kind === 'logistic' || p.kind === 'ridge') {
    nodes.push({ op: 'MatMul', inputs: ['z', constant('weights', [f, 1], p.weights)], outputs: ['zw'] });
    nodes.push({ op: 'Add', inputs: ['zw', constant('bias', [1], [p.bias])], outputs: ['score'] });
    last = 'score';
  } else if (p.kind === 'mlp') {
    p.layers.forEach((layer, l) => {
      nodes.push({ op: 'MatMul', inputs: [last, constant(`w${l}`, [layer.inputs, layer.outputs], layer.weights)], outputs: [`h${l}_mm`] });
      nodes.push({ op: 'Add', inputs: [`h${l}_mm`, constant(`b${l}`, [layer.outputs], layer.bias)], outputs: [`h${l}`] });
      last = `h${l}`;
      if (l < p.layers.length - 1) {
        nodes.push({ op: 'Relu', inputs: [last], outputs: [`a${l}`] });
        last = `a${l}`;
      }
    });
  } else if (p.kind === 'gbdt') {
    const attrs = { treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], values: [] as number[], modes: [] as string[], trueIds: [] as number[], falseIds: [] as number[] };
    const targets = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] };
    p.trees.forEach((tree, t) => {
      tree.feature.forEach((feature, node) => {
        const leaf = feature < 0;
        attrs.treeIds.push(t);
        attrs.nodeIds.push(node);
        attrs.featureIds.push(leaf ? 0 : feature);
        attrs.values.push(leaf ? 0 : tree.threshold[node]);
        attrs.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
        attrs.trueIds.push(leaf ? 0 : tree.left[node]);
        attrs.falseIds.push(leaf ? 0 : tree.right[node]);
        if (leaf) targets.treeIds.push(t), targets.nodeIds.push(node), targets.weights.push(tree.value[node]);
      });
    });
    nodes.push({
      op: 'TreeEnsembleRegressor',
      domain: 'ai.onnx.ml',
      inputs: ['z'],
      outputs: ['trees'],
      attributes: {
        n_targets: { int: 1 },
        aggregate_function: 'SUM',
        post_transform: 'NONE',
        nodes_treeids: attrs.treeIds,
        nodes_nodeids: attrs.nodeIds,
        nodes_featureids: attrs.featureIds,
        nodes_values: { floats: attrs.values },
        nodes_modes: attrs.modes,
        nodes_truenodeids: attrs.trueIds,
        nodes_falsenodeids: attrs.falseIds,
        target_treeids: targets.treeIds,
        target_nodeids: targets.nodeIds,
        target_ids: targets.treeIds.map(() => 0),
        target_weights: { floats: targets.weights },
      },
    });
    nodes.push({ op: 'Cast', inputs: ['trees'], outputs: ['trees_d'], attributes: { to: { int: ElemType.DOUBLE } } });
    nodes.push({ op: 'Add', inputs: ['trees_d', constant('base', [1], [p.base])], outputs: ['score'] });
    last = 'score';
  }
  if (model.task === 'classification') {
    nodes.push({ op: 'Sigmoid', inputs: [last], outputs: [OUTPUT_NAME] });
  } else {
    nodes.push({ op: 'Identity', inputs: [last], outputs: [OUTPUT_NAME] });
  }
  return encodeModel({
    graph: {
      name: `rrr-${p.kind}`,
      nodes,
      initializers,
      inputs: [{ name: INPUT_NAME, elemType: ElemType.DOUBLE, dims: ['batch', f] }],
      outputs: [{ name: OUTPUT_NAME, elemType: ElemType.DOUBLE, dims: ['batch', 1] }],
    },
    opsets: p.kind === 'gbdt' ? { '': 17, 'ai.onnx.ml': 3 } : { '': 17 },
    metadata: { ...metadata, 'rrr.model': p.kind, 'rrr.task': model.task, 'rrr.features': JSON.stringify(features) },
  });
}
