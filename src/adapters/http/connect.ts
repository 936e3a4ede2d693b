import { CrmError } from '../../core/index.js';
import type { DefaultCollectionSchemas } from '../collections.js';
import { STORAGE_CONTRACT_VERSION } from '../contract-version.js';
import { createCrmStorage } from '../create-storage.js';
import { defaultStorageRegistry, type SchemaMap, type StorageRegistry } from '../registry.js';
import type { CrmStorage } from '../storage.js';
import type { DefaultStreamSchemas } from '../stream-kinds.js';
import { resolveClientOptions, type CrmHttpClientOptions } from './client-options.js';
import { createDriverWith, createHttpCaller } from './http-driver.js';

/** Options of {@link connectCrmHttpStorage}: the client options and the registry to use on this side. */
export interface CrmHttpConnectOptions<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas>
  extends Omit<CrmHttpClientOptions, 'capabilities'> {
  /**
   * The collections and stream kinds to validate and decode with on the
   * client (default the built-in registry). The server must serve every
   * one of them.
   */
  readonly registry?: StorageRegistry<C, S>;
}

/**
 * Connects to a storage served by {@link createCrmHttpHandler}: asks the
 * server for its contract version, capabilities, collections and stream
 * kinds (`GET …/v1/contract`), checks that they fit, and returns a
 * `CrmStorage` over {@link createCrmHttpDriver} with the server's
 * capabilities. A mismatch fails here, at start-up, not later with wrong data.
 *
 * @throws `CrmError` `UNSUPPORTED` when the server speaks another contract
 * version or does not serve a collection or stream kind of the registry;
 * the transport codes (`UNAVAILABLE`, `TIMEOUT`, `FORBIDDEN`, …) when the
 * server cannot be asked.
 * @throws `ValidationError` for bad options.
 * @example
 * ```ts
 * const storage = await connectCrmHttpStorage({ baseUrl: 'https://crm.example.com/storage', headers: { authorization: `Bearer ${token}` } });
 * const customer = await storage.get('group-1', 'customers', 'C-1');
 * ```
 */
export async function connectCrmHttpStorage<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas>(
  options: CrmHttpConnectOptions<C, S>,
): Promise<CrmStorage<C, S>> {
  const { registry, ...clientOptions } = options;
  const probe = resolveClientOptions(clientOptions);
  const caller = createHttpCaller(probe);
  const description = await caller.send({ operation: 'describe', params: {}, idempotent: true });
  if (description.contractVersion !== STORAGE_CONTRACT_VERSION) {
    throw new CrmError(
      'UNSUPPORTED',
      `the HTTP storage server at ${probe.baseUrl} serves storage contract version ${description.contractVersion}; this dealer-crm speaks version ${STORAGE_CONTRACT_VERSION}`,
      { details: { driver: 'http', serverContractVersion: description.contractVersion } },
    );
  }
  const served = registry ?? defaultStorageRegistry;
  const missing = [
    ...Object.keys(served.collections).filter((name) => !description.collections.includes(name)).map((name) => `collection ${name}`),
    ...Object.keys(served.streams).filter((name) => !description.streams.includes(name)).map((name) => `stream kind ${name}`),
  ];
  if (missing.length > 0) {
    throw new CrmError('UNSUPPORTED', `the HTTP storage server at ${probe.baseUrl} does not serve ${missing.join(', ')}`, { details: { driver: 'http', missing } });
  }
  const resolved = { ...probe, capabilities: Object.freeze({ ...description.capabilities }) };
  const driver = createDriverWith(resolved, caller);
  return createCrmStorage(driver, registry === undefined ? {} : { registry });
}
