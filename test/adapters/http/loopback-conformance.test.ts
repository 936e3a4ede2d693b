/**
 * The whole conformance kit over a real loopback server: Node's http server
 * on port 0 serving createCrmHttpHandler(memory storage), the HTTP client
 * pointing at it. The inspector reads the server's memory driver directly,
 * so the kit checks what is really stored behind the wire.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { createCrmStorage } from 'dealer-crm/adapters';
import { createCrmHttpDriver, createCrmHttpHandler } from 'dealer-crm/adapters/http';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { defineAdapterConformanceSuite } from 'dealer-crm/adapters/testing';
import { serve } from './support.js';

const memory = createMemoryDriver();
const handler = createCrmHttpHandler(createCrmStorage(memory), { authorize: () => true, basePath: '/storage' });
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  server = await serve(handler);
});

afterAll(async () => {
  await handler.close();
  await server.close();
});

defineAdapterConformanceSuite({
  name: 'http adapter conformance (loopback server over memory storage)',
  runner: { describe, test },
  // Every test gets a fresh client; the server's storage is shared (the kit uses fresh tenant ids per test).
  createAdapter: () => createCrmStorage(createCrmHttpDriver({ baseUrl: `${server.url}/storage`, retry: { initialDelayMs: 1, maxDelayMs: 5 } })),
  inspect: {
    readRecord: ({ tenantId, collection, id }) => memory.peekRecord(tenantId, collection, id),
    countStreamEntries: ({ tenantId, kind, streamId }) => memory.peekStreamLength(tenantId, kind, streamId),
    checkPersistedRecord({ raw, record }) {
      // Behind the wire the server stores the codec's JSON text of the record the client sent.
      const stored = raw as { document: string };
      if (JSON.parse(stored.document).id !== (record as { id: string }).id) throw new Error('the stored document is not the record');
    },
  },
});
