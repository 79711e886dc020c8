import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyRegistry, anonymousPrincipal } from '../../../src/auth/api-key-registry';
import { allPermissions, expandPermissions } from '../../../src/auth/permissions';
import { ConfigError, loadConfig } from '../../../src/config';

const alice = { key: 'alice-secret-key-0001', name: 'alice', permissions: ['approvals:decide' as const], roles: ['finance'] };
const ops = { key: 'ops-secret-key-000001', name: 'ops', permissions: ['*' as const], roles: [] };

describe('ApiKeyRegistry', () => {
  it('finds the principal of a configured key, and nobody for any other string', () => {
    const registry = new ApiKeyRegistry([alice, ops]);
    expect(registry.enabled).toBe(true);
    expect(registry.authenticate('alice-secret-key-0001')).toMatchObject({ name: 'alice', roles: ['finance'], authenticated: true });
    expect([...registry.authenticate('alice-secret-key-0001')!.permissions]).toEqual(['approvals:decide']);
    expect(registry.authenticate('ops-secret-key-000001')?.permissions.size).toBe(allPermissions.length);
    for (const wrong of ['', 'alice-secret-key-000', 'alice-secret-key-00011', 'ALICE-SECRET-KEY-0001']) expect(registry.authenticate(wrong)).toBeUndefined();
  });

  it('is disabled without keys; the anonymous principal may do everything', () => {
    expect(new ApiKeyRegistry([]).enabled).toBe(false);
    expect(anonymousPrincipal).toMatchObject({ name: 'anonymous', roles: [], authenticated: false });
    expect(anonymousPrincipal.permissions.size).toBe(allPermissions.length);
  });
});

describe('expandPermissions', () => {
  it('expands the wildcard and implied permissions, and ignores unknown ones', () => {
    expect(expandPermissions(['*']).size).toBe(allPermissions.length);
    expect([...expandPermissions(['workflows:write'])].sort()).toEqual(['workflows:read', 'workflows:write']);
    expect([...expandPermissions(['executions:read', 'bogus'])]).toEqual(['executions:read']);
  });
});

describe('CADENZA_API_KEYS', () => {
  it('parses a JSON array, defaulting roles', () => {
    const config = loadConfig({ CADENZA_API_KEYS: JSON.stringify([{ key: 'k'.repeat(16), name: 'bob', permissions: ['executions:read'] }]) });
    expect(config.CADENZA_API_KEYS).toEqual([{ key: 'k'.repeat(16), name: 'bob', permissions: ['executions:read'], roles: [] }]);
    expect(loadConfig({}).CADENZA_API_KEYS).toEqual([]);
    expect(loadConfig({ CADENZA_API_KEYS: '  ' }).CADENZA_API_KEYS).toEqual([]);
  });

  it('reads a file when the value is a path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cadenza-keys-'));
    try {
      const file = join(dir, 'keys.json');
      await writeFile(file, JSON.stringify([alice]));
      expect(loadConfig({ CADENZA_API_KEYS: file }).CADENZA_API_KEYS).toEqual([alice]);
      expect(() => loadConfig({ CADENZA_API_KEYS: join(dir, 'missing.json') })).toThrow(
        'invalid configuration: CADENZA_API_KEYS: neither a JSON array nor a readable file (ENOENT)',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad entries in one line that never shows a key', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[{ key: 'short-secret', name: 'a', permissions: ['executions:read'] }], /^invalid configuration: CADENZA_API_KEYS\[0\]\.key: must be at least 16 characters$/],
      [[{ key: 'long-enough-secret-1', name: 'a', permissions: ['executions:write'] }], /^invalid configuration: CADENZA_API_KEYS\[0\]\.permissions\[0\]: /],
      [[{ key: 'long-enough-secret-1', name: 'a', permissions: [] }], /CADENZA_API_KEYS\[0\]\.permissions: needs at least one permission$/],
      [[{ key: 'long-enough-secret-1', name: 'has space', permissions: ['*'] }], /CADENZA_API_KEYS\[0\]\.name: /],
      [[{ key: 'long-enough-secret-1', name: 'a', permissions: ['*'], admin: true }], /CADENZA_API_KEYS\[0\]: /],
      [[alice, { ...ops, key: alice.key }], /CADENZA_API_KEYS\[1\]\.key: the same key is configured twice$/],
      [{ key: 'long-enough-secret-1' }, /^invalid configuration: CADENZA_API_KEYS: /],
    ];
    for (const [value, message] of cases) {
      let error: unknown;
      try {
        loadConfig({ CADENZA_API_KEYS: JSON.stringify(value) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toMatch(/secret/);
      expect((error as Error).message).not.toContain('\n');
    }
    expect(() => loadConfig({ CADENZA_API_KEYS: '[{"key": "secret-but-broken' })).toThrow(/^invalid configuration: CADENZA_API_KEYS: is not valid JSON$/);
  });
});
