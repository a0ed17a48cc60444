import { describe, expect, it } from 'vitest';
import { resolveParams, text, choice } from '../../src/strategies/params.js';
import { dimensionFromSpec, parseGridFlags, spaceFromSchema } from '../../src/research/search/space.js';

describe('text parameters (a model path)', () => {
  const schema = { model: text('model.onnx', 'the ONNX model'), mode: choice('a', ['a', 'b']) };

  it('accept any non-empty text and keep the default otherwise', () => {
    expect(resolveParams('s', schema, { model: 'models/v2.onnx' })).toEqual({ model: 'models/v2.onnx', mode: 'a' });
    expect(resolveParams('s', schema, {})).toEqual({ model: 'model.onnx', mode: 'a' });
    expect(() => resolveParams('s', schema, { model: '' })).toThrow(/^s: parameter model= is not valid: use any non-empty text\.$/);
    // A plain choice still refuses values outside its options.
    expect(() => resolveParams('s', schema, { mode: 'c' })).toThrow(/use one of a, b/);
  });

  it('stay fixed in a search unless --param or --grid lists values', () => {
    expect(dimensionFromSpec('model', schema.model)).toEqual({ kind: 'values', name: 'model', values: ['model.onnx'] });
    expect(spaceFromSchema(schema, {}, { model: 'x.onnx' }).dimensions[0]).toEqual({ kind: 'values', name: 'model', values: ['x.onnx'] });
    expect(parseGridFlags('s', schema, ['model=a.onnx,b.onnx']).model).toEqual({ kind: 'values', name: 'model', values: ['a.onnx', 'b.onnx'] });
  });
});
