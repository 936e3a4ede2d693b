/**
 * The client, the handler and the webhook deliverer over real sockets: Node's
 * http server through toNodeRequestListener, and a second loopback server as
 * the webhook receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrmStorage } from 'dealer-crm/adapters';
import { connectCrmHttpStorage, createCrmHttpHandler, deliverOutbox, verifyCrmWebhook, type CrmHttpHandler, type CrmWebhookEvent } from 'dealer-crm/adapters/http';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { customer, serve } from './support.js';

const memory = createMemoryDriver();
const tokens: Record<string, string> = { 'token-g1': 'g1', 'token-g2': 'g2' };
let handler: CrmHttpHandler;
let storageServer: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  handler = createCrmHttpHandler(createCrmStorage(memory), {
    basePath: '/crm',
    maxBodyBytes: 64 * 1024,
    // Each bearer token may touch one dealer group; describe needs only a known token.
    authorize: (request, { tenantId }) => {
      const tenant = tokens[(request.headers.get('authorization') ?? '').replace(/^Bearer /, '')];
      return tenant !== undefined && (tenantId === null || tenantId === tenant);
    },
  });
  storageServer = await serve(handler);
});

afterAll(async () => {
  await handler.close();
  await storageServer.close();
});

describe('over a loopback server', () => {
  it('connects with a token, reads and writes its own tenant and is refused another', async () => {
    const storage = await connectCrmHttpStorage({ baseUrl: `${storageServer.url}/crm`, headers: { authorization: 'Bearer token-g1' } });
    expect(storage.capabilities).toEqual({ transactions: true, outbox: true, customCollections: true, bulkImport: true });
    await storage.transaction('g1', async (tx) => {
      await tx.put('g1', 'customers', customer('C-1'));
      await tx.append('g1', 'audit_log', 'C-1', [{ action: 'customer.created', at: '2024-05-01T02:00:00Z' }]);
    });
    expect((await storage.get('g1', 'customers', 'C-1'))?.version).toBe(1);
    await expect(storage.get('g2', 'customers', 'C-1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(memory.peekRecord('g2', 'customers', 'C-1')).toBeNull();
    await expect(connectCrmHttpStorage({ baseUrl: `${storageServer.url}/crm` })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a body over the limit as it streams in, without a declared length', async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        controller.enqueue(new TextEncoder().encode(sent === 1 ? '{"ids":["' : 'x'.repeat(16 * 1024)));
        if (sent > 1000) controller.close();
      },
    });
    const response = await fetch(`${storageServer.url}/crm/v1/tenants/g1/collections/customers/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer token-g1' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    // 16 MB would have been sent had the server read it all.
    expect(sent).toBeLessThan(1000);
  });

  it('delivers the outbox of a remote storage to a local receiver, signed, each event once', async () => {
    const secret = 'whsec_' + Buffer.from('a 32-byte key for loopback tests').toString('base64');
    const received: CrmWebhookEvent[] = [];
    const now = new Date('2024-05-01T02:00:00Z');
    const receiver = await serve(async (request) => {
      try {
        received.push(await verifyCrmWebhook({ secret, headers: request.headers, body: await request.text(), now }));
        return new Response(null, { status: 204 });
      } catch {
        return new Response(null, { status: 401 });
      }
    });
    try {
      const storage = await connectCrmHttpStorage({ baseUrl: `${storageServer.url}/crm`, headers: { authorization: 'Bearer token-g2' } });
      await storage.append('g2', 'outbox', 'webhooks', [
        { type: 'lead.created', occurredAt: now, data: { leadId: 'L-1' } },
        { type: 'lead.qualified', occurredAt: now, data: { leadId: 'L-1' } },
      ]);
      const options = { tenantId: 'g2', streamId: 'webhooks', url: `${receiver.url}/hooks`, secret, now: () => now, batchSize: 1 };
      const reports = await Promise.all([deliverOutbox(storage, options), deliverOutbox(storage, options)]);
      expect(reports.reduce((sum, report) => sum + report.delivered, 0)).toBe(2);
      expect(received.map((event) => event.type).sort()).toEqual(['lead.created', 'lead.qualified']);
      expect((await storage.readOutboxDelivery('g2', 'webhooks', 2))?.status).toBe('delivered');
    } finally {
      await receiver.close();
    }
  });
});
