/**
 * ONNX model files written and read with protobufjs 7 from the vendored onnx.proto (no generated code, no
 * Python): a small builder for graphs (nodes, initializers, inputs and outputs) and a reader of a file's
 * inputs, outputs and metadata_props.
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO_TEXT } from './onnx-proto-text.js';

let root: protobuf.Root | undefined;
function modelType(): protobuf.Type {
  root ??= protobuf.parse(ONNX_PROTO_TEXT, { keepCase: true }).root;
  return root.lookupType('onnx.ModelProto');
}

/** TensorProto.DataType values rrr uses. */
export const ElemType = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export type AttrValue = number | string | readonly number[] | readonly string[] | { readonly floats: readonly number[] } | { readonly int: number };

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  domain?: string;
  /** An integer attribute: { int: 1 }; a float: a plain number; lists of numbers are ints unless { floats }. */
  attributes?: Readonly<Record<string, AttrValue>>;
}

export interface TensorSpec {
  name: string;
  dims: readonly number[];
  /** DOUBLE when Float64Array, FLOAT when Float32Array. */
  values: Float64Array | Float32Array;
}

/** A dimension: a fixed size or a symbolic name ("batch"). */
export type Dim = number | string;

export interface ValueSpec {
  name: string;
  elemType: number;
  dims: readonly Dim[];
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorSpec[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
}

export interface ModelSpec {
  graph: GraphSpec;
  /** Opset per domain ('' is the default ONNX domain). */
  opsets: Readonly<Record<string, number>>;
  metadata?: Readonly<Record<string, string>>;
}

function attribute(name: string, value: AttrValue): Record<string, unknown> {
  if (typeof value === 'number') return { name, type: ATTR.FLOAT, f: value };
  if (typeof value === 'string') return { name, type: ATTR.STRING, s: Buffer.from(value) };
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'string') return { name, type: ATTR.STRINGS, strings: (value as string[]).map((s) => Buffer.from(s)) };
    return { name, type: ATTR.INTS, ints: value };
  }
  if ('floats' in (value as object)) return { name, type: ATTR.FLOATS, floats: (value as { floats: number[] }).floats };
  return { name, type: ATTR.INT, i: (value as { int: number }).int };
}

function valueInfo(v: ValueSpec): Record<string, unknown> {
  return {
    name: v.name,
    type: { tensor_type: { elem_type: v.elemType, shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}

function tensor(t: TensorSpec): Record<string, unknown> {
  const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
  return { name: t.name, dims: t.dims, data_type: t.values instanceof Float64Array ? ElemType.DOUBLE : ElemType.FLOAT, raw_data: Buffer.from(bytes) };
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const type = modelType();
  const message = {
    ir_version: 8,
    producer_name: 'rrr',
    opset_import: Object.entries(spec.opsets).map(([domain, version]) => ({ domain, version })),
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graph.name,
      node: spec.graph.nodes.map((n, k) => ({
        name: `${n.op}_${k}`,
        op_type: n.op,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: spec.graph.initializers.map(tensor),
      input: spec.graph.inputs.map(valueInfo),
      output: spec.graph.outputs.map(valueInfo),
    },
  };
  const problem = type.verify(message);
  if (problem) throw new Error(`rrr built an invalid ONNX model: ${problem}`);
  return type.encode(type.fromObject(message)).finish();
}

export interface DecodedModel {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  metadata: Record<string, string>;
  opsets: Record<string, number>;
  producer: string;
}

/** The interface of a model file; throws (a plain Error) when the bytes are not an ONNX model. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const type = modelType();
  const m = type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as {
    graph?: { input?: RawValue[]; output?: RawValue[]; initializer?: { name: string }[] };
    metadata_props?: { key: string; value: string }[];
    opset_import?: { domain?: string; version: number }[];
    producer_name?: string;
  };
  if (!m.graph || !m.graph.input?.length || !m.graph.output?.length) throw new Error('no graph with inputs and outputs');
  // Older exporters list initializers among the inputs too: they are not inputs a caller feeds.
  const initializers = new Set((m.graph.initializer ?? []).map((t) => t.name));
  const readValue = (v: RawValue): ValueSpec => ({
    name: v.name,
    elemType: v.type?.tensor_type?.elem_type ?? 0,
    dims: (v.type?.tensor_type?.shape?.dim ?? []).map((d) => (d.dim_value !== undefined ? d.dim_value : (d.dim_param ?? '?'))),
  });
  return {
    inputs: m.graph.input.filter((v) => !initializers.has(v.name)).map(readValue),
    outputs: m.graph.output.map(readValue),
    metadata: Object.fromEntries((m.metadata_props ?? []).map((p) => [p.key, p.value])),
    opsets: Object.fromEntries((m.opset_import ?? []).map((o) => [o.domain ?? '', o.version])),
    producer: m.producer_name ?? '',
  };
}

interface RawValue {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}
