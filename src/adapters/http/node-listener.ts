import type { IncomingMessage, ServerResponse } from 'node:http';

/** A fetch-standard handler: what {@link createCrmHttpHandler} returns. */
export type CrmHttpFetchHandler = (request: Request) => Promise<Response>;

/** A Node `http` request listener: what `http.createServer` takes. */
export type CrmHttpNodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Mounts a fetch-standard handler in Node's `http` (or `https`) server: the
 * incoming request becomes a `Request` whose body streams from the socket
 * (so the handler's body limit holds without buffering) and whose `signal`
 * aborts when the client goes away; the `Response` is written back with
 * back-pressure. It imports nothing from Node at run time, so the module
 * stays loadable in workers and browsers.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(toNodeRequestListener(createCrmHttpHandler(storage, { authorize }))).listen(8080);
 * ```
 */
export function toNodeRequestListener(handler: CrmHttpFetchHandler): CrmHttpNodeListener {
  return (incoming, outgoing) => {
    // serve() answers every failure of the handler; what is left (a socket
    // that broke while writing) can only end the connection.
    serve(handler, incoming, outgoing).catch(() => outgoing.destroy());
  };
}

async function serve(handler: CrmHttpFetchHandler, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const aborted = new AbortController();
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) aborted.abort();
  });
  let response: Response;
  try {
    response = await handler(toRequest(incoming, aborted.signal));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    response = new Response(JSON.stringify({ error: { code: 'INTERNAL', message: `the request handler threw: ${message}`, details: {} } }), {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }
  await writeResponse(response, outgoing);
}

function toRequest(incoming: IncomingMessage, signal: AbortSignal): Request {
  const secure = (incoming.socket as { encrypted?: boolean }).encrypted === true;
  const url = new URL(incoming.url ?? '/', `${secure ? 'https' : 'http'}://${incoming.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
    // HTTP/2 pseudo-headers (":path") are not headers of the request.
    if (!incoming.rawHeaders[i]!.startsWith(':')) headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
  }
  const method = incoming.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks = incoming[Symbol.asyncIterator]();
    init.body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : (value as Uint8Array));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return?.();
      },
    });
    init.duplex = 'half';
  }
  return new Request(url, init);
}

async function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  outgoing.writeHead(response.status, headers);
  if (response.body === null) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (outgoing.destroyed) {
        await reader.cancel();
        return;
      }
      if (!outgoing.write(value)) await new Promise<void>((resolve) => outgoing.once('drain', resolve).once('close', resolve));
    }
    outgoing.end();
  } catch {
    outgoing.destroy();
  }
}
