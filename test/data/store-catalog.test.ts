import { describe, expect, it } from 'vitest';
import { STORE_CATALOG } from '../../src/data/store-catalog.js';
import { buildReferenceCatalog, catalogFrom, catalogKey, referenceCatalog } from '../../src/data/store-schema.js';

describe('the generated store catalog', () => {
  it('is what the migrations create with this DuckDB (else: npx tsx scripts/store-catalog.ts)', async () => {
    expect(STORE_CATALOG.key, 'stale: run npx tsx scripts/store-catalog.ts').toBe(catalogKey());
    expect(new Map(STORE_CATALOG.objects)).toEqual(await buildReferenceCatalog());
  });

  it('is what a store is compared against', async () => {
    expect(await referenceCatalog()).toEqual(new Map(STORE_CATALOG.objects));
  });

  it('is used only while its key is this build\'s: a stale one is replaced by the catalog built from the migrations', async () => {
    // A stand-in catalog that no migration creates tells which one was used.
    const objects = [['not_rrr', { kind: 'table', schema: 'main', signature: 'x INTEGER' }]] as const;
    expect(await catalogFrom({ key: catalogKey(), objects })).toEqual(new Map(objects));
    expect(await catalogFrom({ key: 'stale', objects })).toEqual(await buildReferenceCatalog());
  });
});
