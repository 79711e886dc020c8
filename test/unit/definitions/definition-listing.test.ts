/**
 * The pure parts of the definitions listing: page tokens (the last id of a page; anything else is
 * refused as bad input), the visibility query (quoted), and the selection of the smallest ids while
 * visibility is scanned in whatever order it answers.
 */
import fc from 'fast-check';
import { idAfterToken, listingQuery, pageOf, pageTokenAfter, SmallestById } from '../../../src/definitions/definition-listing';
import { ValidationFailed } from '../../../src/errors/problems';
import type { DefinitionSummary } from '../../../src/workflows/registry-messages';

const id = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/);

it('a page token gives back the id it was made from, and nothing else passes', () => {
  fc.assert(fc.property(id, (x) => expect(idAfterToken(pageTokenAfter(x))).toBe(x)));
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (token) => {
      let decoded: string | undefined;
      try {
        decoded = idAfterToken(token);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationFailed);
        return;
      }
      // Only a token this listing issued decodes.
      expect(pageTokenAfter(decoded)).toBe(token);
    }),
  );
  for (const token of ['', 'garbage', Buffer.from('after:Bad Id').toString('base64url'), Buffer.from('before:a').toString('base64url')]) {
    expect(() => idAfterToken(token)).toThrow(ValidationFailed);
  }
});

it('queries the running entities of one registry after the token, quoted', () => {
  expect(listingQuery("reg'x", undefined)).toBe("WorkflowType = 'cadenzaDefinition' AND ExecutionStatus = 'Running' AND CadenzaRegistry = 'reg\\'x'");
  expect(listingQuery('cadenza-registry', 'order-7')).toMatch(/ AND CadenzaWorkflowId > 'order-7'$/);
});

it('keeps the smallest ids, once each at their highest version, whatever the order they come in', () => {
  const summary = (x: string, version: number): DefinitionSummary => ({ id: x, version, name: null, description: null, versions: [version], registered_at: '' });
  fc.assert(
    fc.property(fc.array(fc.tuple(id, fc.integer({ min: 1, max: 5 })), { maxLength: 80 }), fc.integer({ min: 1, max: 12 }), (offers, capacity) => {
      const smallest = new SmallestById(capacity);
      for (const [x, v] of offers) smallest.offer(summary(x, v));
      const best = new Map<string, number>();
      for (const [x, v] of offers) best.set(x, Math.max(best.get(x) ?? 0, v));
      const expected = [...best.keys()].sort().slice(0, capacity).map((x) => [x, best.get(x)]);
      expect(smallest.sorted().map((s) => [s.id, s.version])).toEqual(expected);
    }),
  );
});

it('pages of a sorted scan, followed token by token, give every id once in order, recent ones merged', () => {
  const summary = (x: string, version = 1): DefinitionSummary => ({ id: x, version, name: null, description: null, versions: [version], registered_at: '' });
  fc.assert(
    fc.property(fc.uniqueArray(id, { maxLength: 60 }), fc.array(id, { maxLength: 5 }), fc.integer({ min: 1, max: 9 }), (ids, recentIds, limit) => {
      const sorted = [...ids].sort().map((x) => summary(x));
      const recent = recentIds.map((x) => summary(x, 2));
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = pageOf(sorted, { limit, pageToken: token }, recent);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((s) => s.id));
        token = page.next_page_token ?? undefined;
      } while (token);
      expect(seen).toEqual([...new Set([...ids, ...recentIds])].sort());
    }),
  );
});
