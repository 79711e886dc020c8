/**
 * `closestMatch` measures with `fastest-levenshtein` now; its suggestions must stay those of the
 * hand-written distance it replaced, kept here as the reference.
 */
import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { closestMatch } from '../../../src/definitions/closest-match';

/** The former Levenshtein distance, one row at a time, over UTF-16 code units. */
function formerDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function formerClosestMatch(word: string, candidates: string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = formerDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

describe('closestMatch', () => {
  it('suggests a plausible typo fix, and nothing for a far-off word', () => {
    expect(closestMatch('chrge', ['route', 'charge', 'review'])).toBe('charge');
    expect(closestMatch('inputs', ['input', 'tasks', 'execution'])).toBe('input');
    expect(closestMatch('zzzzzz', ['charge', 'route'])).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });

  it('agrees with the former implementation on any words, short ids and long (over 32 units) alike', () => {
    const word = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 70 }), fc.stringMatching(/^[a-c]{0,40}$/));
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 8 }), (w, candidates) => {
        for (const candidate of candidates) expect(distance(w, candidate)).toBe(formerDistance(w, candidate));
        expect(closestMatch(w, candidates)).toBe(formerClosestMatch(w, candidates));
      }),
      { numRuns: 3000 },
    );
  });
});
