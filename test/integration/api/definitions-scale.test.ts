/**
 * The definitions registry as one entity workflow per definition, against a real dev server: a small
 * scale check (50 definitions × 3 versions, listed in pages of 7 — the 2,000 × 10 figures are in
 * `npm run bench -- --only registry`), concurrent registration from two API nodes, the size limit,
 * the version limit, and an entity that moves old versions to archives and continues as new.
 */
import { randomUUID } from 'node:crypto';
import { DefinitionStore } from '../../../src/definitions/store';
import { definitionEntityId, entityStatsQuery, MAX_DEFINITION_BYTES } from '../../../src/workflows/definition-entity-messages';
import { waitFor } from '../harness';
import { expectProblem, sampleDefinition, startApiContext, type ApiContext } from './api-context';

jest.setTimeout(120_000);

let ctx: ApiContext;

beforeAll(async () => {
  ctx = await startApiContext();
});

afterAll(async () => {
  await ctx?.close();
});

const put = (c: ApiContext, id: string, payload: object) => c.app.inject({ method: 'PUT', url: `/api/v1/workflows/${id}`, payload });

/** Every page of the listing through the API, with the tokens it answered. */
async function allPages(c: ApiContext, limit: number): Promise<{ ids: string[]; pages: number; items: Array<{ id: string; version: number; versions: number[] }> }> {
  const items: Array<{ id: string; version: number; versions: number[] }> = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res: { statusCode: number; json: () => unknown } = await c.app.inject({ method: 'GET', url: `/api/v1/workflows?limit=${limit}${token ? `&page_token=${token}` : ''}` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: typeof items; next_page_token: string | null };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    token = body.next_page_token;
    pages++;
  } while (token !== null);
  return { ids: items.map((i) => i.id), pages, items };
}

describe('50 definitions × 3 versions', () => {
  const ids = Array.from({ length: 50 }, (_, i) => `scale-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    // Registered in a shuffled order, eight at a time: the listing order is by id, not by registration.
    const order = [...ids].sort((a, b) => (a.split('').reverse().join('') < b.split('').reverse().join('') ? -1 : 1));
    for (let version = 1; version <= 3; version++) {
      for (let i = 0; i < order.length; i += 8) {
        const answers = await Promise.all(order.slice(i, i + 8).map((id) => put(ctx, id, sampleDefinition(id, { description: `v${version}` }))));
        for (const res of answers) expect([res.statusCode, res.json().version]).toEqual([201, version]);
      }
    }
  });

  it('lists every definition once, in id order, across pages of 7, each at its latest version', async () => {
    // Visibility shows the last puts after a moment; another node (a fresh store) has no overlay of them.
    const other = await startApiContext({ worker: false, taskQueue: ctx.taskQueue, registryId: ctx.registryId });
    try {
      const listed = await waitFor(async () => {
        const all = await allPages(other, 7);
        return all.items.every((i) => i.version === 3) && all.ids.length === ids.length ? all : undefined;
      }, { what: 'every definition listed at version 3', timeoutMs: 20_000 });
      expect(listed.ids).toEqual(ids);
      expect(listed.pages).toBe(Math.ceil(ids.length / 7));
      expect(listed.items.every((i) => i.versions.join() === '1,2,3')).toBe(true);
      // The same token gives the same page again (stable), and pages do not overlap.
      const first = await other.app.inject({ method: 'GET', url: '/api/v1/workflows?limit=7' });
      const token = first.json().next_page_token as string;
      const again = await Promise.all([0, 1].map(() => other.app.inject({ method: 'GET', url: `/api/v1/workflows?limit=7&page_token=${token}` })));
      expect(again[0]!.json()).toEqual(again[1]!.json());
      expect(again[0]!.json().items[0].id).toBe(ids[7]);
    } finally {
      await other.close();
    }
  });

  it('reads every version of every definition back', async () => {
    for (const id of ids.slice(0, 10)) {
      for (const version of [1, 2, 3]) {
        const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/workflows/${id}?version=${version}` });
        expect([res.statusCode, res.json().definition.description]).toEqual([200, `v${version}`]);
      }
    }
  });

  it('refuses a page token it did not issue (400 validation_error), and limits out of range', async () => {
    for (const token of ['garbage', Buffer.from('after:Not Valid').toString('base64url'), Buffer.from('before:scale-01').toString('base64url')]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/workflows?page_token=${token}` });
      expect(expectProblem(res, 400, 'validation_error').errors[0]?.path).toBe('query.page_token');
    }
    for (const limit of ['0', '501', 'x']) {
      expect(expectProblem(await ctx.app.inject({ method: 'GET', url: `/api/v1/workflows?limit=${limit}` }), 400, 'validation_error').errors[0]?.path).toBe('query.limit');
    }
  });
});

describe('concurrent registration', () => {
  it('two API nodes racing on one id: versions stay unique and gap-free, identical bodies are stored once', async () => {
    const other = await startApiContext({ worker: false, taskQueue: ctx.taskQueue, registryId: ctx.registryId });
    try {
      const nodes = [ctx, other];
      const distinct = await Promise.all(Array.from({ length: 24 }, (_, i) => put(nodes[i % 2]!, 'raced', sampleDefinition('raced', { description: `body ${i}` }))));
      const versions = distinct.map((res) => (expect(res.statusCode).toBe(201), res.json().version as number)).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));

      const same = await Promise.all(Array.from({ length: 16 }, (_, i) => put(nodes[i % 2]!, 'raced-same', sampleDefinition('raced-same'))));
      expect(same.map((res) => res.statusCode).sort()).toEqual([...Array.from({ length: 15 }, () => 200), 201]);
      expect(new Set(same.map((res) => res.json<{ version: number }>().version))).toEqual(new Set([1]));
    } finally {
      await other.close();
    }
  });
});

describe('limits', () => {
  it('refuses a definition over MAX_DEFINITION_BYTES with 413 definition_too_large, on PUT and validate', async () => {
    // Under the 1 MiB body limit, over the definition limit.
    const big = sampleDefinition('too-big', { input: { type: 'object', description: 'x'.repeat(MAX_DEFINITION_BYTES) } });
    const problem = expectProblem(await put(ctx, 'too-big', big), 413, 'definition_too_large');
    expect(problem).toMatchObject({ workflow_id: 'too-big', limit_bytes: MAX_DEFINITION_BYTES });
    expect(problem.bytes).toBeGreaterThan(MAX_DEFINITION_BYTES);
    expectProblem(await ctx.app.inject({ method: 'POST', url: '/api/v1/workflows/validate', payload: big }), 413, 'definition_too_large');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/too-big' }), 404, 'workflow_not_found');
  });

  it('refuses a version past the per-definition limit with 409 version_limit_reached; identical puts still answer', async () => {
    const limited = await startApiContext({ worker: false, taskQueue: ctx.taskQueue, registryId: `registry-${randomUUID()}`, entityLimits: { max_versions: 3 } });
    try {
      for (const v of [1, 2, 3]) expect((await put(limited, 'capped', sampleDefinition('capped', { description: `v${v}` }))).statusCode).toBe(201);
      const refused = expectProblem(await put(limited, 'capped', sampleDefinition('capped', { description: 'v4' })), 409, 'version_limit_reached');
      expect(refused.workflow_id).toBe('capped');
      expect((await put(limited, 'capped', sampleDefinition('capped', { description: 'v3' }))).json()).toMatchObject({ version: 3, outcome: 'unchanged' });
    } finally {
      await limited.close();
    }
  });
});

describe('an entity with many large versions', () => {
  it('moves old versions to archives and continues as new, bounded, with every version readable', async () => {
    const limits = { kept_bytes: 64 * 1024, max_run_puts: 8 };
    const bounded = await startApiContext({ worker: false, taskQueue: ctx.taskQueue, registryId: `registry-${randomUUID()}`, entityLimits: limits });
    try {
      const body = (v: number) => sampleDefinition('hefty', { description: `v${v}`, input: { type: 'object', description: `${v}`.padEnd(20_000, '.') } });
      for (let v = 1; v <= 30; v++) expect((await put(bounded, 'hefty', body(v))).json()).toMatchObject({ version: v, outcome: 'created' });
      const stats = await ctx.t.client.workflow.getHandle(definitionEntityId(bounded.registryId, 'hefty')).query(entityStatsQuery);
      expect(stats.versions).toBe(30);
      expect(stats.archives).toBeGreaterThan(0);
      expect(stats.run).toBeGreaterThan(1);
      expect(stats.kept_bytes).toBeLessThanOrEqual(limits.kept_bytes + 21_000);
      // A fresh node (no cache) reads every version, from the entity or its archive.
      const fresh = new DefinitionStore({ client: ctx.t.client, taskQueue: ctx.taskQueue, registryId: bounded.registryId });
      for (let v = 1; v <= 30; v++) expect((await fresh.get('hefty', v))?.definition.description).toBe(`v${v}`);
      expect((await fresh.get('hefty'))?.definition.version).toBe(30);
      // An identical put of an archived version is still `unchanged`; a different body, a conflict.
      expect((await put(bounded, 'hefty', { ...body(2), version: 2 })).json()).toMatchObject({ version: 2, outcome: 'unchanged' });
      expectProblem(await put(bounded, 'hefty', { ...body(3), version: 2 }), 409, 'version_conflict');
    } finally {
      await bounded.close();
    }
  });
});
