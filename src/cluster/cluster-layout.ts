/**
 * Where every process of the local cluster listens and what it uses, from the environment
 * (docs/design.md §12). The PostgreSQL variables are the ones Temporal's own images read
 * (`POSTGRES_SEEDS`, `DB_PORT`, `POSTGRES_USER`, `POSTGRES_PWD`, `DBNAME`, `VISIBILITY_DBNAME`), so
 * docker-compose.yml and `npm run cluster` are configured alike. Every port is on loopback.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** How many of each process the cluster runs. */
export const CLUSTER_SIZE = 2;

/** Ports one Temporal server process (all four services) takes, counted from its base port. */
export const PORTS_PER_SERVER = 20;

/** The PostgreSQL databases of the cluster. */
export interface PostgresSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  visibilityDatabase: string;
}

/** One Temporal server process: its gRPC, HTTP, membership and metrics ports. */
export interface ServerNode {
  index: number;
  name: string;
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  historyGrpc: number;
  historyMembership: number;
  matchingGrpc: number;
  matchingMembership: number;
  workerGrpc: number;
  workerMembership: number;
  /** Prometheus endpoint of the server's own metrics. */
  metrics: number;
  /** `127.0.0.1:<frontendGrpc>`. */
  address: string;
}

/** One Cadenza worker or API node and the frontend it talks to. */
export interface CadenzaNode {
  index: number;
  name: string;
  /** API: the HTTP port; worker: the Prometheus port of the SDK's metrics. */
  port: number;
  temporalAddress: string;
}

/** Everything `startCluster` starts. */
export interface ClusterLayout {
  /** Generated configs, logs and the state file live here. */
  dataDir: string;
  namespace: string;
  numHistoryShards: number;
  postgres: PostgresSettings;
  servers: ServerNode[];
  workers: CadenzaNode[];
  apis: CadenzaNode[];
}

const port = z.coerce.number().int().min(1).max(65535);
const dbName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier');

const ClusterEnvSchema = z.object({
  CADENZA_DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** First port of the first Temporal server; the second starts PORTS_PER_SERVER later. */
  CADENZA_CLUSTER_PORT_BASE: port.max(65535 - CLUSTER_SIZE * PORTS_PER_SERVER).default(17233),
  /** HTTP port of the first API node; the second uses the next one. */
  CADENZA_CLUSTER_API_PORT: port.max(65534).default(3001),
  /** Prometheus port of the first worker's SDK metrics; the second uses the next one. */
  CADENZA_CLUSTER_WORKER_METRICS_PORT: port.max(65534).default(9464),
  POSTGRES_SEEDS: z.string().min(1).default('127.0.0.1'),
  DB_PORT: port.default(5432),
  POSTGRES_USER: z.string().min(1).default('postgres'),
  POSTGRES_PWD: z.string().default(''),
  DBNAME: dbName.default('temporal'),
  VISIBILITY_DBNAME: dbName.default('temporal_visibility'),
  /** Fixed for the life of the databases: Temporal refuses to start with another count. */
  NUM_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16384).default(4),
});

/** A bad cluster variable; the message names it. */
export class ClusterConfigError extends Error {
  override name = 'ClusterConfigError';
}

/** Reads the layout from `env`; throws `ClusterConfigError` naming the first bad variable. */
export function clusterLayout(env: NodeJS.ProcessEnv = process.env): ClusterLayout {
  const parsed = ClusterEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ClusterConfigError(`invalid configuration: ${name}=${JSON.stringify(env[name] ?? '')}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  if (e.DBNAME === e.VISIBILITY_DBNAME) throw new ClusterConfigError('invalid configuration: DBNAME and VISIBILITY_DBNAME must differ');
  const indexes = Array.from({ length: CLUSTER_SIZE }, (_, i) => i);
  const servers = indexes.map((index) => serverNode(index, e.CADENZA_CLUSTER_PORT_BASE + index * PORTS_PER_SERVER));
  const frontendOf = (index: number): string => (servers[index] ?? servers[0])?.address ?? '';
  return {
    dataDir: resolve(join(e.CADENZA_DATA_DIR, 'cluster')),
    namespace: e.TEMPORAL_NAMESPACE,
    numHistoryShards: e.NUM_HISTORY_SHARDS,
    postgres: {
      host: e.POSTGRES_SEEDS,
      port: e.DB_PORT,
      user: e.POSTGRES_USER,
      password: e.POSTGRES_PWD,
      database: e.DBNAME,
      visibilityDatabase: e.VISIBILITY_DBNAME,
    },
    servers,
    // Node i talks to frontend i: a killed server process takes one node's frontend away, not both.
    workers: indexes.map((index) => ({ index, name: `worker-${index + 1}`, port: e.CADENZA_CLUSTER_WORKER_METRICS_PORT + index, temporalAddress: frontendOf(index) })),
    apis: indexes.map((index) => ({ index, name: `api-${index + 1}`, port: e.CADENZA_CLUSTER_API_PORT + index, temporalAddress: frontendOf(index) })),
  };
}

function serverNode(index: number, base: number): ServerNode {
  return {
    index,
    name: `temporal-${index + 1}`,
    frontendGrpc: base,
    frontendHttp: base + 1,
    frontendMembership: base + 2,
    historyGrpc: base + 3,
    historyMembership: base + 4,
    matchingGrpc: base + 5,
    matchingMembership: base + 6,
    workerGrpc: base + 7,
    workerMembership: base + 8,
    metrics: base + 9,
    address: `127.0.0.1:${base}`,
  };
}
