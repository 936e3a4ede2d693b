import { ValidationError } from '../../core/index.js';
import { StatusFailure } from './error-status.js';

/**
 * Reads a request's JSON body with a size limit: the declared
 * `Content-Length` is checked first and the stream is counted as it
 * arrives (a chunked body has no length), so an oversized body is refused
 * (413) without being held in memory. A body that is not `application/json`
 * is refused with 415, one that is not UTF-8 JSON with 400.
 *
 * @throws `ValidationError`, or a {@link StatusFailure} carrying one with status 413 or 415.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type');
  if (type === null || !/^application\/json\s*(;|$)/i.test(type.trim())) {
    throw new StatusFailure(new ValidationError([{ path: 'content-type', message: `expected application/json, got ${type === null ? 'no content type' : JSON.stringify(type)}` }]), 415);
  }
  const tooLarge = (size: string) => new StatusFailure(new ValidationError([{ path: 'body', message: `expected at most ${maxBytes} bytes, got ${size}` }]), 413);
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(declared);
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body !== null) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge('more');
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError([{ path: 'body', message: 'expected UTF-8 text' }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError([{ path: 'body', message: `expected JSON: ${error instanceof Error ? error.message : String(error)}` }], { cause: error });
  }
}
