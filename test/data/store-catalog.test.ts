import { describe, expect, it } from 'vitest';
import { STORE_CATALOG } from '../../src/data/store-catalog.js';
import { buildReferenceCatalog, catalogKey, referenceCatalog } from '../../src/data/store-schema.js';

describe('the generated store catalog', () => {
  it('is what the migrations create with this DuckDB (else: npx tsx scripts/store-catalog.ts)', async () => {
    expect(STORE_CATALOG.key, 'stale: run npx tsx scripts/store-catalog.ts').toBe(catalogKey());
    expect(new Map(STORE_CATALOG.objects)).toEqual(await buildReferenceCatalog());
  });

  it('is what a store is compared against', async () => {
    expect(await referenceCatalog()).toEqual(new Map(STORE_CATALOG.objects));
  });
});
