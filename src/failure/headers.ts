import { safeGet } from './safe-read.js';

/**
 * Reads one header from any of the shapes clients use: a WHATWG `Headers` (fetch, undici),
 * an object with a `get` method (axios' `AxiosHeaders`), or a plain record (got, node:http),
 * whose keys may be in any case and whose values may be arrays. Returns the first value.
 * Never throws. Header readers of your own use it, whatever client the headers came from.
 *
 * @param headers - the headers as the client hands them over
 * @param name - the header's name, in any case
 * @example
 * ```ts
 * readHeader(new Headers({ 'Retry-After': '3' }), 'retry-after'); // '3'
 * readHeader({ 'x-acme-trace': ['tr-1', 'tr-2'] }, 'X-Acme-Trace'); // 'tr-1'
 * ```
 */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = safeGet(headers, 'get');
  if (typeof get === 'function') {
    try {
      const value: unknown = get.call(headers, name);
      const text = firstValue(value);
      if (text !== undefined) return text;
    } catch {
      // Fall through to the record reading: some `get` methods throw on unknown names.
    }
  }
  const direct = firstValue(safeGet(headers, name)) ?? firstValue(safeGet(headers, name.toLowerCase()));
  if (direct !== undefined) return direct;
  let keys: string[];
  try {
    keys = Object.keys(headers);
  } catch {
    return undefined;
  }
  const wanted = name.toLowerCase();
  for (const key of keys) {
    if (key.toLowerCase() === wanted) return firstValue(safeGet(headers, key));
  }
  return undefined;
}

function firstValue(value: unknown): string | undefined {
  if (typeof value === 'string') {
    // A header repeated on the wire arrives joined by commas from `Headers.get`; HTTP-dates
    // contain a comma too ("Wed, 21 Oct 2015 07:28:00 GMT"), so split only delta-seconds lists.
    return /^\s*\d+\s*,/.test(value) ? value.split(',')[0]!.trim() : value.trim();
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return firstValue(value[0]);
  return undefined;
}
