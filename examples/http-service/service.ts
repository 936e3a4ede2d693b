/**
 * A Node service that serves a dealer group's storage over HTTP, so that other
 * services (a showroom app, a call-centre backend) use one CRM store through
 * `dealer-crm/adapters/http`. Each bearer token is bound to one dealer group:
 * a request for another group's data is a 403 and touches nothing.
 *
 *   npx tsx examples/http-service/service.ts          # listens on PORT (default 8080)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCrmHttpHandler, toNodeRequestListener } from 'dealer-crm/adapters/http';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';

/** Which dealer group each API token may touch. In production: your identity provider. */
const groupOfToken: Readonly<Record<string, string>> = {
  'token-yrd': 'yrd-group',
  'token-gz': 'gz-group',
};

/** A running service: its base URL and how to stop it. */
export interface RunningService {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the service on a port (0: any free port). */
export async function startService(port = 0): Promise<RunningService> {
  const storage = createMemoryStorage(); // or createPostgresStorage({ pool, … }) in production
  const handler = createCrmHttpHandler(storage, {
    basePath: '/crm',
    authorize: (request, { tenantId }) => {
      const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
      const group = groupOfToken[token];
      // tenantId is null only for the contract description every client reads first.
      return group !== undefined && (tenantId === null || tenantId === group);
    },
  });
  const server: Server = createServer(toNodeRequestListener(handler));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/crm`,
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storage.close();
    },
  };
}

// Run directly: serve until interrupted.
if (import.meta.url === `file://${process.argv[1]}`) {
  const service = await startService(Number(process.env.PORT ?? 8080));
  console.log(`dealer-crm storage service on ${service.url}`);
  process.on('SIGINT', () => void service.close().then(() => process.exit(0)));
}
