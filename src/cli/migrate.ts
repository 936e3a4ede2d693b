/** `dealer-crm migrate --store S`: creates or upgrades the tables the facade needs. */
import { crmStorageRegistry } from '../crm/index.js';
import { openStore, parseStoreSpec } from './store.js';

/** Migrates the store (opening a PostgreSQL or PGlite store runs the migrations). */
export async function runMigrate(storeText: string): Promise<void> {
  const spec = parseStoreSpec(storeText);
  if (spec.kind === 'memory') {
    console.log('memory stores need no migration');
    return;
  }
  const store = await openStore(spec, crmStorageRegistry);
  try {
    console.log(`migrated ${store.description}`);
  } finally {
    await store.close();
  }
}
