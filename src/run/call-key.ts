/**
 * One idempotency key per call, stable across its attempts, made only when an attempt asks for
 * it (most calls never do). A UUID from `crypto.randomUUID` where the platform has it (Node,
 * browsers in secure contexts), else 122 random bits from `Math.random` in the same format.
 *
 * @example
 * ```ts
 * const key = new CallKey();
 * key.idempotencyKey === key.idempotencyKey; // true: the same for every attempt of the call
 * ```
 */
export class CallKey {
  private value: string | undefined;

  get idempotencyKey(): string {
    return (this.value ??= newKey());
  }
}

function newKey(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(Math.random() * 4)]}${hex(3)}-${hex(12)}`;
}
