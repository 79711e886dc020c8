/**
 * Definitions API (`/api/v1/workflows`) against a real Temporal server and worker: registration,
 * versioning rules, YAML bodies, validation, and every malformed request as problem+json.
 */
import { stringify } from 'yaml';
import { DefinitionStore } from '../../../src/definitions/store';
import { expectProblem, sampleDefinition, startApiContext, type ApiContext } from './api-context';

// The project's testTimeout does not reach test files (Jest reads it globally only).
jest.setTimeout(60_000);

let ctx: ApiContext;

beforeAll(async () => {
  ctx = await startApiContext();
});

afterAll(async () => {
  await ctx?.close();
});

const put = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'PUT', url: `/api/v1/workflows/${id}`, payload: payload as string, headers });

describe('registration and versioning', () => {
  it('creates version 1 (201), then answers an identical PUT with 200 unchanged', async () => {
    const created = await put('alpha', sampleDefinition('alpha'));
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/api/v1/workflows/alpha?version=1');
    expect(created.json()).toMatchObject({ id: 'alpha', version: 1, outcome: 'created', definition: { id: 'alpha', version: 1, name: 'Sample alpha' } });
    expect(Date.parse(created.json().registered_at)).not.toBeNaN();

    const again = await put('alpha', sampleDefinition('alpha'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 1, outcome: 'unchanged', registered_at: created.json().registered_at });

    const explicit = await put('alpha', { ...sampleDefinition('alpha'), version: 1 });
    expect(explicit.statusCode).toBe(200);
    expect(explicit.json().outcome).toBe('unchanged');
  });

  it('assigns latest + 1 to a changed body without a version, and keeps every version readable', async () => {
    await put('beta', sampleDefinition('beta'));
    const second = await put('beta', sampleDefinition('beta', { description: 'second' }));
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ version: 2, outcome: 'created' });

    const latest = await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/beta' });
    expect(latest.statusCode).toBe(200);
    expect(latest.json()).toMatchObject({ id: 'beta', version: 2, definition: { description: 'second' } });

    const first = await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/beta?version=1' });
    expect(first.statusCode).toBe(200);
    expect(first.json().definition.description).toBeUndefined();
  });

  it('refuses the same version with a different body: 409 version_conflict, and nothing changes', async () => {
    await put('gamma', { ...sampleDefinition('gamma'), version: 3 });
    const conflict = await put('gamma', { ...sampleDefinition('gamma', { description: 'other' }), version: 3 });
    const problem = expectProblem(conflict, 409, 'version_conflict');
    expect(problem).toMatchObject({ workflow_id: 'gamma', version: 3, latest_version: 3 });

    const below = await put('gamma', { ...sampleDefinition('gamma'), version: 2 });
    expect(expectProblem(below, 409, 'version_conflict').detail).toMatch(/below the latest version 3/);

    const current = await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/gamma' });
    expect(current.json()).toMatchObject({ version: 3 });
    expect(current.json().definition.description).toBeUndefined();
  });

  it('takes the id from the path when the body has none', async () => {
    const { id: _id, ...withoutId } = sampleDefinition('delta');
    const res = await put('delta', withoutId);
    expect(res.statusCode).toBe(201);
    expect(res.json().definition.id).toBe('delta');
  });

  it('accepts YAML bodies (application/yaml and text/yaml)', async () => {
    const yaml = stringify(sampleDefinition('from-yaml'));
    const res = await put('from-yaml', yaml, { 'content-type': 'application/yaml' });
    expect(res.statusCode).toBe(201);
    expect(res.json().definition.tasks[0]).toMatchObject({ id: 'echo', tool: 'echo' });

    const again = await put('from-yaml', yaml, { 'content-type': 'text/yaml; charset=utf-8' });
    expect(again.statusCode).toBe(200);
    expect(again.json().outcome).toBe('unchanged');
  });

  it('lists the latest version of each definition, sorted by id', async () => {
    await put('list-b', sampleDefinition('list-b'));
    await put('list-a', sampleDefinition('list-a'));
    await put('list-a', sampleDefinition('list-a', { name: 'A two' }));
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ id: string }>;
    const ids = items.map((i) => i.id);
    expect(ids).toEqual([...ids].sort());
    expect(items.find((i) => i.id === 'list-a')).toEqual({
      id: 'list-a',
      version: 2,
      name: 'A two',
      description: null,
      versions: [1, 2],
      registered_at: expect.any(String),
      links: { self: '/api/v1/workflows/list-a', executions: '/api/v1/workflows/list-a/executions' },
    });
  });

  it('another store on the same registry (another API node) sees the definitions', async () => {
    await put('shared', sampleDefinition('shared'));
    const other = new DefinitionStore({ client: ctx.t.client, taskQueue: ctx.taskQueue, registryId: ctx.registryId });
    expect((await other.get('shared'))?.definition.version).toBe(1);
    expect((await other.list()).items.map((s) => s.id)).toContain('shared');
  });
});

describe('validate', () => {
  it('answers 200 {valid: true} for a valid definition, in JSON or YAML', async () => {
    const json = await ctx.app.inject({ method: 'POST', url: '/api/v1/workflows/validate', payload: sampleDefinition('v') });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ valid: true });
    const yaml = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/workflows/validate',
      payload: stringify(sampleDefinition('v')),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(yaml.json()).toEqual({ valid: true });
  });

  it('answers 422 definition_invalid listing every issue with its path', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/workflows/validate',
      payload: {
        id: 'bad',
        tasks: [
          { id: 'a', type: 'basic', tool: 'echo', on_success: { next: 'chrge' } },
          { id: 'a', type: 'basic', tool: 'echo', colour: 'blue' },
        ],
      },
    });
    const problem = expectProblem(res, 422, 'definition_invalid');
    expect(problem.issues).toEqual(expect.arrayContaining([{ path: 'tasks[1]', message: 'unknown field "colour"' }]));
  });

  it('reports graph errors (unknown next target) by path', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/workflows/validate',
      payload: { id: 'bad', tasks: [{ id: 'a', type: 'basic', tool: 'echo', on_success: { next: 'chrge' } }] },
    });
    const problem = expectProblem(res, 422, 'definition_invalid');
    expect(problem.issues.map((i: { path: string }) => i.path)).toContain('tasks[0].on_success.next');
  });
});

describe('refused requests are problem+json with a stable type', () => {
  it('invalid definition on PUT → 422 definition_invalid, nothing stored', async () => {
    const res = await put('broken', { id: 'broken', tasks: [] });
    expectProblem(res, 422, 'definition_invalid');
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/broken' }), 404, 'workflow_not_found');
  });

  it('body id different from the path id → 422 definition_invalid on `id`', async () => {
    const res = await put('one', sampleDefinition('two'));
    expect(expectProblem(res, 422, 'definition_invalid').issues).toEqual([{ path: 'id', message: expect.stringContaining('"one"') }]);
  });

  it('unknown fields in a definition → 422 definition_invalid', async () => {
    const res = await put('extra', { ...sampleDefinition('extra'), colour: 'blue' });
    expect(expectProblem(res, 422, 'definition_invalid').issues).toEqual([{ path: '', message: 'unknown field "colour"' }]);
  });

  it('wrong types in a definition → 422 definition_invalid naming the path', async () => {
    const res = await put('typed', { ...sampleDefinition('typed'), version: 'one' });
    expect(expectProblem(res, 422, 'definition_invalid').issues.map((i: { path: string }) => i.path)).toContain('version');
  });

  it('malformed JSON → 400 malformed_body', async () => {
    const res = await put('x', '{"id": "x", tasks: ', { 'content-type': 'application/json' });
    expectProblem(res, 400, 'malformed_body');
  });

  it('empty JSON body → 400 malformed_body', async () => {
    const res = await put('x', '', { 'content-type': 'application/json' });
    expectProblem(res, 400, 'malformed_body');
  });

  it('malformed YAML → 400 malformed_body with the line', async () => {
    const res = await put('x', 'id: x\ntasks: [\n  - a: {', { 'content-type': 'application/yaml' });
    expect(expectProblem(res, 400, 'malformed_body').detail).toMatch(/line \d+, column \d+/);
  });

  it('a body that is not an object → 400 validation_error', async () => {
    const res = await put('x', '[1, 2]', { 'content-type': 'application/json' });
    expect(expectProblem(res, 400, 'validation_error').errors).toEqual([{ path: 'body', message: expect.any(String) }]);
  });

  it('unsupported content type → 415 unsupported_media_type', async () => {
    const res = await put('x', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(expectProblem(res, 415, 'unsupported_media_type').accepted).toContain('application/yaml');
  });

  it('body over the limit → 413 payload_too_large', async () => {
    const huge = JSON.stringify({ ...sampleDefinition('huge'), description: 'x'.repeat(1_100_000) });
    const res = await put('huge', huge, { 'content-type': 'application/json' });
    expectProblem(res, 413, 'payload_too_large');
  });

  it('invalid id in the path → 400 validation_error on params.id', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/Not_Valid!' });
    expect(expectProblem(res, 400, 'validation_error').errors).toEqual([{ path: 'params.id', message: expect.any(String) }]);
  });

  it('bad ?version → 400 validation_error on query.version', async () => {
    for (const version of ['0', 'abc', '1.5']) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/workflows/alpha?version=${version}` });
      expect(expectProblem(res, 400, 'validation_error').errors[0]?.path).toBe('query.version');
    }
  });

  it('unknown query parameter → 400 validation_error', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/alpha?versoin=1' });
    expectProblem(res, 400, 'validation_error');
  });

  it('unknown definition or version → 404 workflow_not_found', async () => {
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/nope' }), 404, 'workflow_not_found');
    await put('versioned', sampleDefinition('versioned'));
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/workflows/versioned?version=7' });
    expect(expectProblem(res, 404, 'workflow_not_found')).toMatchObject({ workflow_id: 'versioned', version: 7 });
  });

  it('unknown route or method → 404 route_not_found', async () => {
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v2/nothing' }), 404, 'route_not_found');
    expectProblem(await ctx.app.inject({ method: 'DELETE', url: '/api/v1/workflows/alpha' }), 404, 'route_not_found');
  });
});
