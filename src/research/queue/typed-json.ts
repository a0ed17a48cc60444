/**
 * JSON that keeps what plain JSON loses: typed arrays (as base64 of their bytes, bit for bit) and the numbers
 * JSON has no spelling for (NaN, ±Infinity, -0). Results cross the queue this way, so a worker's numbers arrive
 * exactly as it computed them.
 */
const TYPED = { Float64Array, Int32Array, Uint8Array } as const;
type TypedName = keyof typeof TYPED;

export function toTypedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor.name;
      if (!(name in TYPED)) throw new TypeError(`toTypedJson does not carry ${name}.`);
      return { $typed: name, base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    }
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $number: Object.is(v, -0) ? '-0' : String(v) };
    return v;
  });
}

export function fromTypedJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object') return v;
    if ('$typed' in v) {
      const { $typed, base64 } = v as { $typed: TypedName; base64: string };
      // Copied into memory of its own: a Buffer's offset inside its pool need not suit the element size.
      return new TYPED[$typed](new Uint8Array(Buffer.from(base64, 'base64')).buffer);
    }
    if ('$number' in v) return Number((v as { $number: string }).$number);
    return v;
  }) as T;
}
