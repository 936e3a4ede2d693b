import { describe, expect, it } from 'vitest';
import { serve } from './support.js';

describe('toNodeRequestListener', () => {
  it('hands the handler the method, URL, headers and streamed body, and writes back status, headers and body', async () => {
    const server = await serve(async (request) => {
      const echo = { method: request.method, url: new URL(request.url).pathname + new URL(request.url).search, tag: request.headers.get('x-tag'), body: await request.text() };
      const headers = new Headers({ 'content-type': 'application/json' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(JSON.stringify(echo), { status: 201, headers });
    });
    try {
      const response = await fetch(`${server.url}/crm/v1/x?from=1&limit=2`, { method: 'POST', headers: { 'x-tag': 'store-1', 'content-type': 'text/plain' }, body: '王芳 𠮷' });
      expect(response.status).toBe(201);
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(await response.json()).toEqual({ method: 'POST', url: '/crm/v1/x?from=1&limit=2', tag: 'store-1', body: '王芳 𠮷' });
    } finally {
      await server.close();
    }
  });

  it('answers 500 with an error body when the handler throws', async () => {
    const server = await serve(async () => {
      throw new Error('the handler broke');
    });
    try {
      const response = await fetch(`${server.url}/anything`);
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
    } finally {
      await server.close();
    }
  });

  it('aborts the request’s signal when the client goes away', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let observe!: (aborted: boolean) => void;
    const observed = new Promise<boolean>((resolve) => {
      observe = resolve;
    });
    const server = await serve(async (request) => {
      started();
      await new Promise<void>((wake) => request.signal.addEventListener('abort', () => wake()));
      observe(request.signal.aborted);
      return new Response(null);
    });
    try {
      const client = new AbortController();
      const call = fetch(`${server.url}/slow`, { signal: client.signal }).catch(() => undefined);
      await running;
      client.abort();
      await call;
      expect(await observed).toBe(true);
    } finally {
      await server.close();
    }
  });
});
