/**
 * Reads a property without ever throwing. The normalizer runs on the failure path, where the
 * value in hand may be a proxy, a frozen object or an object whose getters throw; none of that
 * may turn into a second failure.
 *
 * @example
 * ```ts
 * safeGet({ get status(): number { throw new Error('getter'); } }, 'status'); // undefined
 * ```
 */
export function safeGet(value: unknown, key: PropertyKey): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * A non-empty string, or undefined. Numbers are accepted because some clients send numeric codes.
 *
 * @example
 * ```ts
 * asText(' busy '); // 'busy'
 * asText(7); // '7'
 * asText(''); // undefined
 * ```
 */
export function asText(value: unknown, maxLength = 2048): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return trimmed.length > maxLength ? trimmed.slice(0, maxLength) : trimmed;
}

/**
 * A finite number parsed from a number or a numeric string, or undefined.
 *
 * @example
 * ```ts
 * asFiniteNumber('200'); // 200
 * asFiniteNumber('many'); // undefined
 * ```
 */
export function asFiniteNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
