import { MAX_BODY_CHARS } from './error-body.js';
import { readHeader } from './headers.js';
import type { ResponseLike } from './response-like.js';

/**
 * Reads at most {@link MAX_BODY_CHARS} bytes of a clone of a response's body, so the caller can
 * still read the original. Only text-like bodies are read (a `content-type` naming json, xml or
 * text, or none at all); a consumed body, a failing stream or an abort yields ''. A body that
 * stalls is cut after `timeoutMs` and what arrived by then is returned: a server that sends its
 * headers and then hangs must not hang the failure path.
 *
 * @param response - the failed response; only its clone is read
 * @param signal - abandons the read when aborted
 * @param timeoutMs - how long the read may take in all
 * @example
 * ```ts
 * await readBodyText(new Response('{"error":"x"}', { status: 500 }), undefined, 2000); // '{"error":"x"}'
 * ```
 */
export async function readBodyText(response: ResponseLike, signal: AbortSignal | undefined, timeoutMs: number): Promise<string> {
  const contentType = readHeader(response.headers, 'content-type');
  if (contentType !== undefined && !/json|xml|text/i.test(contentType)) return '';
  let body: ReadableStream<Uint8Array> | null;
  try {
    body = response.clone().body;
  } catch {
    return '';
  }
  if (body === null) return '';
  const reader = body.getReader();
  const onAbort = (): void => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  // Cancelling the reader ends a pending read() with `done`: we keep what arrived. Unref'd, so
  // a stalled body never keeps the process alive.
  const timer = globalThis.setTimeout(onAbort, timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (signal?.aborted) return '';
    while (total < MAX_BODY_CHARS) {
      const { done, value } = await reader.read();
      if (done || value === undefined) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    return '';
  } finally {
    globalThis.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // Stop the clone's branch of the tee: the rest of an oversized body is not ours to buffer.
    reader.cancel().catch(() => undefined);
  }
  return decodeChunks(chunks, total);
}

function decodeChunks(chunks: readonly Uint8Array[], total: number): string {
  // One chunk is the usual case for an error body: decode it in place instead of copying.
  const bytes = chunks.length === 1 ? chunks[0]! : concat(chunks, total);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, MAX_BODY_CHARS));
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
