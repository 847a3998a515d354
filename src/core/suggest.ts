/** Levenshtein distance (insert, delete, substitute: 1 each). */
function editDistance(a: string, b: string): number {
  const m = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) m[0]![j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) m[i]![j] = Math.min(m[i - 1]![j]! + 1, m[i]![j - 1]! + 1, m[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
  return m[a.length]![b.length]!
}

/** "Did you mean": the candidate within `maxDistance` edits of `word` (case-insensitive), nearest first. */
export function closest(word: string, candidates: readonly string[], maxDistance = 2): string | undefined {
  return candidates
    .map((k) => [k, editDistance(word.toLowerCase(), k.toLowerCase())] as const)
    .filter(([, n]) => n <= maxDistance)
    .sort((a, b) => a[1] - b[1])[0]?.[0]
}
