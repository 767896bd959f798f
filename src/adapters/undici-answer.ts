import type { IncomingHttpHeaders } from 'node:http';

/**
 * How much of an error body is kept to read the server's error code: error bodies are small,
 * and a policy that reads codes (scraperPolicy, spApiPolicy, mwsPolicy) needs the whole JSON or
 * XML document. Past this the answer is decided on what arrived.
 */
export const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * A failed answer seen by the dispatcher, made a fetch `Response` for the normalizer: its status,
 * headers and the buffered body, read as any failed Response is (the same readers, Retry-After
 * and the rate-limit headers). Headers the fetch `Headers` class refuses are left out.
 *
 * @example
 * ```ts
 * const failed = answerResponse(429, { 'retry-after': '7' }, 'Too Many Requests', [Buffer.from('{"error":"rate_limited"}')]);
 * ```
 */
export function answerResponse(status: number, headers: IncomingHttpHeaders, statusMessage: string | undefined, chunks: readonly Uint8Array[]): Response {
  const fetchHeaders = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one === undefined) continue;
      try {
        fetchHeaders.append(name, one);
      } catch {
        // A header fetch cannot hold tells the policy nothing it can use.
      }
    }
  }
  const body = chunks.length === 0 ? null : Buffer.concat(chunks);
  try {
    return new Response(body, { status, statusText: statusMessage ?? '', headers: fetchHeaders });
  } catch {
    // A status message fetch refuses: the status is what matters.
    return new Response(body, { status, headers: fetchHeaders });
  }
}

/**
 * Whether a request body can be sent again: strings and bytes can; a stream or an iterable
 * (fetch hands its bodies to the dispatcher as async iterables) is consumed by the first attempt.
 *
 * @example
 * ```ts
 * isReplayableBody('{"sku":1}'); // true
 * isReplayableBody(Readable.from(['a'])); // false
 * ```
 */
export function isReplayableBody(body: unknown): boolean {
  return body === null || body === undefined || typeof body === 'string' || ArrayBuffer.isView(body) || body instanceof ArrayBuffer;
}
