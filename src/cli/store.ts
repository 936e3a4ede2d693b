/**
 * Opening the store a CLI command names: `memory` (the default, nothing to set
 * up), `pglite:<dir>` (embedded PostgreSQL on disk; `pglite:memory` in
 * memory), or a `postgres://` URL (a PostgreSQL server).
 */
import { ValidationError } from '../core/index.js';
import type { CrmStorage, SchemaMap, StorageRegistry } from '../adapters/index.js';
import { createMemoryStorage } from '../adapters/memory/index.js';
import { connectPgSqlDriver, createPostgresStorage, openPgliteSqlDriver } from '../adapters/postgres/index.js';

/** A parsed `--store` value. */
export type StoreSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'pglite'; readonly dataDir: string | null }
  | { readonly kind: 'postgres'; readonly url: string };

/**
 * Parses a `--store` value.
 *
 * @throws ValidationError for anything else.
 */
export function parseStoreSpec(text: string | undefined): StoreSpec {
  if (text === undefined || text === '' || text === 'memory') return { kind: 'memory' };
  if (text.startsWith('pglite:')) {
    const dir = text.slice('pglite:'.length);
    if (dir === '') throw new ValidationError([{ path: 'store', message: 'pglite: needs a directory (pglite:./data) or pglite:memory' }]);
    return { kind: 'pglite', dataDir: dir === 'memory' ? null : dir };
  }
  if (/^postgres(ql)?:\/\//.test(text)) return { kind: 'postgres', url: text };
  throw new ValidationError([{ path: 'store', message: `expected memory, pglite:<dir> or a postgres:// URL, got ${JSON.stringify(text)}` }]);
}

/** An open store: the storage and how to close it. */
export interface OpenStore<C extends SchemaMap, S extends SchemaMap> {
  readonly storage: CrmStorage<C, S>;
  readonly description: string;
  close(): Promise<void>;
}

/** Opens (and migrates) the store a spec names, serving the given registry. */
export async function openStore<C extends SchemaMap, S extends SchemaMap>(spec: StoreSpec, registry: StorageRegistry<C, S>): Promise<OpenStore<C, S>> {
  if (spec.kind === 'memory') {
    const storage = createMemoryStorage({ registry });
    return { storage, description: 'memory (embedded, not persisted)', close: () => storage.close() };
  }
  if (spec.kind === 'pglite') {
    const sql = await openPgliteSqlDriver(spec.dataDir === null ? {} : { dataDir: spec.dataDir });
    const storage = await createPostgresStorage({ sql, registry });
    return { storage, description: `PGlite ${spec.dataDir ?? '(in memory)'}`, close: () => storage.close() };
  }
  const sql = await connectPgSqlDriver({ connectionString: spec.url });
  const storage = await createPostgresStorage({ sql, registry });
  return { storage, description: `PostgreSQL ${new URL(spec.url).host}`, close: () => storage.close() };
}
