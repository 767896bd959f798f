/**
 * Marks an error class with a registry symbol so its guard works across two copies of the
 * package (ESM and CJS side by side, or two versions in one tree), where `instanceof` fails.
 */
export function hasBrand(value: unknown, brand: symbol): boolean {
  if (value === null || typeof value !== 'object') return false;
  try {
    return (value as Record<symbol, unknown>)[brand] === true;
  } catch {
    return false;
  }
}
