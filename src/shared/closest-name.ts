/**
 * The known name closest to a misspelt one, for "did you mean" messages: the smallest edit
 * distance (case ignored), if it is small enough to be a typo rather than a different word, or a
 * known name that starts with the given one (`maxElapsed` → `maxElapsedMs`).
 *
 * @example
 * ```ts
 * closestName('maxElapsed', ['maxElapsedMs', 'signal']); // 'maxElapsedMs'
 * closestName('colour', ['signal']); // undefined
 * ```
 */
export function closestName(wrong: string, known: Iterable<string>): string | undefined {
  const lower = wrong.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const candidate = name.toLowerCase();
    // A missing unit suffix ("Ms") or a prefix typed in full is the commonest slip.
    const distance = candidate.startsWith(lower) && lower.length >= 3 ? 0.5 : editDistance(lower, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = name;
    }
  }
  // A third of the word may be wrong and it still reads as a typo; beyond that it is another word.
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(wrong.length / 3)) ? best : undefined;
}

/** Levenshtein distance with one row of memory. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
