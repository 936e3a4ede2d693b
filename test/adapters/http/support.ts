import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StorageDriver } from 'dealer-crm/adapters';
import { toNodeRequestListener, type CrmHttpFetchHandler } from 'dealer-crm/adapters/http';
import { createMemoryDriver, type MemoryStorageDriver } from 'dealer-crm/adapters/memory';
import { customerInput } from '../../../src/adapters/testing/fixtures.js';

/** A memory driver that records every call it receives, to show that a refused request touched nothing. */
export function spyDriver(base: MemoryStorageDriver = createMemoryDriver()): { driver: StorageDriver; calls: string[]; memory: MemoryStorageDriver } {
  const calls: string[] = [];
  const driver = new Proxy(base, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || property.startsWith('peek')) return value;
      return (...args: unknown[]) => {
        calls.push(property);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { driver, calls, memory: base };
}

/** The origin the handler tests send their requests to. */
export const origin = 'http://crm.test';

/** A request to the handler: JSON body when given, extra headers. */
export function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Request {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return new Request(`${origin}${path}`, init);
}

/** The JSON body of a response: an error body or a result. */
export interface WireBody {
  readonly error?: { readonly code: string; readonly message: string; readonly details: Record<string, unknown> };
  readonly [key: string]: unknown;
}

/** A response's status and JSON body. */
export async function read(response: Response): Promise<{ status: number; body: WireBody }> {
  return { status: response.status, body: (await response.json()) as WireBody };
}

/** Serves a fetch handler on a loopback port; returns its base URL and a close function. */
export async function serve(handler: CrmHttpFetchHandler): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(toNodeRequestListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A valid customer record as a client would send it (instants as ISO text with an offset). */
export const customer = customerInput;
