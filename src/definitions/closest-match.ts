/** "Did you mean" support for error messages about misspelled names. */
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `word` by Levenshtein distance (in UTF-16 code units), if it is close
 * enough to be a plausible typo: at most a third of `word`'s length, and at least 1. Ties go to the
 * first candidate.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
