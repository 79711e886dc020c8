/**
 * The cluster's layout and generated Temporal config: every port distinct and on loopback, bad
 * variables refused with their name, and docker-compose.yml in line with `npm run cluster`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { ClusterConfigError, clusterLayout, PORTS_PER_SERVER } from '../../../src/cluster/cluster-layout';
import { serverConfigYaml } from '../../../src/cluster/server-config';
import { TEMPORAL_SERVER_VERSION } from '../../../src/cluster/server-build';

/** The parts of a generated server config the test reads. */
interface ServerConfig {
  services: Record<string, { rpc: { bindOnLocalHost: boolean } }>;
  global: { metrics: { prometheus: { listenAddress: string } }; membership: { broadcastAddress: string } };
}

function portsOf(value: unknown): number[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => (/Port$/.test(key) && typeof v === 'number' ? [v] : portsOf(v)));
}

test('two server processes whose every port (gRPC, HTTP, membership, metrics) is distinct and bound to loopback', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1024, max: 65535 - 2 * PORTS_PER_SERVER }), (base) => {
      const layout = clusterLayout({ CADENZA_CLUSTER_PORT_BASE: String(base) });
      const configs = layout.servers.map((node) => parse(serverConfigYaml(layout, node, '/tmp/dc.yaml')) as ServerConfig);
      const ports = configs.flatMap((c) => portsOf(c.services));
      const metrics = configs.map((c) => c.global.metrics.prometheus.listenAddress);
      expect(new Set(ports).size).toBe(ports.length);
      expect(ports).toHaveLength(2 * 9);
      for (const c of configs) for (const service of Object.values(c.services)) expect(service.rpc.bindOnLocalHost).toBe(true);
      expect(metrics.every((m) => m.startsWith('127.0.0.1:'))).toBe(true);
      expect(configs.every((c) => c.global.membership.broadcastAddress === '127.0.0.1')).toBe(true);
      expect(layout.workers.map((w) => w.temporalAddress)).toEqual(layout.servers.map((s) => s.address));
    }),
    { numRuns: 50 },
  );
});

test('the PostgreSQL settings use the variables of Temporal images; the password never reaches a command line', () => {
  const layout = clusterLayout({ POSTGRES_SEEDS: 'db.local', DB_PORT: '6543', POSTGRES_USER: 'u', POSTGRES_PWD: 'p', DBNAME: 'a', VISIBILITY_DBNAME: 'b' });
  expect(layout.postgres).toEqual({ host: 'db.local', port: 6543, user: 'u', password: 'p', database: 'a', visibilityDatabase: 'b' });
  const config = parse(serverConfigYaml(layout, layout.servers[0]!, '/x')) as { persistence: { datastores: Record<string, { sql: Record<string, unknown> }> } };
  expect(Object.values(config.persistence.datastores).map((d) => d.sql.databaseName)).toEqual(['a', 'b']);
});

test.each([
  [{ CADENZA_CLUSTER_PORT_BASE: '65530' }, 'CADENZA_CLUSTER_PORT_BASE'],
  [{ CADENZA_CLUSTER_API_PORT: 'http' }, 'CADENZA_CLUSTER_API_PORT'],
  [{ DBNAME: 'Robert"); DROP' }, 'DBNAME'],
  [{ DBNAME: 'same', VISIBILITY_DBNAME: 'same' }, 'DBNAME and VISIBILITY_DBNAME'],
  [{ NUM_HISTORY_SHARDS: '0' }, 'NUM_HISTORY_SHARDS'],
])('a bad variable is refused with its name: %j', (env, name) => {
  expect(() => clusterLayout(env)).toThrow(ClusterConfigError);
  expect(() => clusterLayout(env)).toThrow(name);
});

test('docker-compose.yml runs the same server version with the same variables, every port on loopback', () => {
  const compose = parse(readFileSync(join(__dirname, '../../../docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { image?: string; ports?: string[]; environment?: Record<string, unknown> }> };
  const services = Object.values(compose.services);
  const images = services.map((s) => s.image ?? '').filter((i) => i.startsWith('temporalio/server') || i.startsWith('temporalio/admin-tools'));
  expect(images.length).toBeGreaterThanOrEqual(3);
  for (const image of images) expect(image.split(':')[1]).toBe(TEMPORAL_SERVER_VERSION.slice(1));
  for (const port of services.flatMap((s) => s.ports ?? [])) expect(port).toMatch(/^127\.0\.0\.1:/);
  const env = compose.services['temporal-1']?.environment ?? {};
  for (const name of ['POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_USER', 'POSTGRES_PWD', 'DBNAME', 'VISIBILITY_DBNAME', 'NUM_HISTORY_SHARDS']) expect(env).toHaveProperty(name);
  expect(services.filter((s) => s.image === `temporalio/server:${TEMPORAL_SERVER_VERSION.slice(1)}`)).toHaveLength(2);
});
