/**
 * Provisioning of the `temporal` CLI and the embedded dev server (docs/design.md §7).
 * Build routes run against a stand-in `go` script: the real build takes minutes (see .ci/run, which
 * runs it for real on a fresh machine); everything Temporal runs against the real dev server.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { startDevServer } from '../../src/temporal/dev-server';
import { findFreePorts } from '../../src/temporal/find-free-port';
import { ensureTemporalCli, ProvisionError, temporalCliCacheDir } from '../../src/temporal/provision';
import { cadenzaSearchAttributes } from '../../src/workflows/search-attributes';
import { TestEnv } from './harness';

const run = promisify(execFile);
let scratch: string;

// `testTimeout` inside a Jest project entry is ignored (it is a global option): set it here.
jest.setTimeout(60_000);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cadenza-provision-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function executable(path: string, body: string): Promise<string> {
  await writeFile(path, body);
  await chmod(path, 0o755);
  return path;
}

/** An environment with nothing on PATH but `dirs` and the basic shell tools, and its own cache. */
async function isolatedEnv(name: string, dirs: string[] = []): Promise<NodeJS.ProcessEnv> {
  const home = join(scratch, name);
  await mkdir(home, { recursive: true });
  return { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), PATH: [...dirs, '/usr/bin', '/bin'].join(':') };
}

/**
 * A stand-in `go`: answers `go env GOVERSION` and `go mod download -json`; `go install` writes
 * $GOBIN/temporal unless its arguments match FAIL_WHEN, and counts its calls in a file.
 */
async function fakeGo(dir: string, failWhen: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'go.mod'), 'module github.com/temporalio/cli\n\ngo 1.25\n');
  return executable(
    join(dir, 'go'),
    `#!/bin/sh
case "$1" in
  env) echo go1.99.0; exit 0 ;;
  mod) echo '{"GoMod": "${dir}/go.mod"}'; exit 0 ;;
esac
echo "install $* GOTOOLCHAIN=\${GOTOOLCHAIN:-} CGO_ENABLED=$CGO_ENABLED" >> "${dir}/calls.log"
if echo "$* GOTOOLCHAIN=\${GOTOOLCHAIN:-}" | grep -Eq -- '${failWhen}'; then echo "link: refused" >&2; exit 1; fi
echo "go: downloading github.com/temporalio/cli v1.5.1" >&2
sleep 1
printf '#!/bin/sh\\necho built\\n' > "$GOBIN/temporal"; chmod +x "$GOBIN/temporal"
`,
  );
}

async function calls(dir: string): Promise<string[]> {
  return (await readFile(join(dir, 'calls.log'), 'utf8')).trim().split('\n');
}

describe('ensureTemporalCli', () => {
  it('refuses a TEMPORAL_CLI_PATH that is not executable, in one line', async () => {
    const notExecutable = join(scratch, 'temporal-not-executable');
    await writeFile(notExecutable, 'not a program');
    const env = { ...(await isolatedEnv('bad-env')), TEMPORAL_CLI_PATH: notExecutable };
    const attempt = ensureTemporalCli({ env });
    await expect(attempt).rejects.toThrow(ProvisionError);
    await expect(attempt).rejects.toThrow(`TEMPORAL_CLI_PATH=${notExecutable} is not executable`);
    await expect(ensureTemporalCli({ env: { ...env, TEMPORAL_CLI_PATH: join(scratch, 'missing') } })).rejects.toThrow(/^TEMPORAL_CLI_PATH=.*missing does not exist$/);
  });

  it('uses TEMPORAL_CLI_PATH, then PATH, then the cache, in that order', async () => {
    const env = await isolatedEnv('order', [join(scratch, 'order', 'bin')]);
    const cacheDir = temporalCliCacheDir(env);
    expect(cacheDir).toBe(join(scratch, 'order', 'cache', 'cadenza', 'temporal-v1.5.1'));
    await mkdir(cacheDir, { recursive: true });
    const cached = await executable(join(cacheDir, 'temporal'), '#!/bin/sh\n');
    await writeFile(join(cacheDir, 'build.json'), JSON.stringify({ version: 'v1.5.1', route: 'go-install', seconds: 200, go: 'go1.26.8', built_at: '', attempts: [] }));
    await expect(ensureTemporalCli({ env })).resolves.toMatchObject({ route: 'cache', path: cached, build: { route: 'go-install', seconds: 200 } });

    await mkdir(join(scratch, 'order', 'bin'));
    const onPath = await executable(join(scratch, 'order', 'bin', 'temporal'), '#!/bin/sh\n');
    await expect(ensureTemporalCli({ env })).resolves.toEqual({ route: 'path', path: onPath });

    const explicit = await executable(join(scratch, 'order', 'explicit-temporal'), '#!/bin/sh\n');
    await expect(ensureTemporalCli({ env: { ...env, TEMPORAL_CLI_PATH: explicit } })).resolves.toEqual({ route: 'env', path: explicit });
  });

  it('finds the binary this machine built (the default cache) and it runs', async () => {
    const env = { ...process.env, TEMPORAL_CLI_PATH: undefined };
    const cli = await ensureTemporalCli({ env });
    expect(['path', 'cache']).toContain(cli.route);
    if (cli.route === 'cache') expect(cli.path).toBe(join(temporalCliCacheDir(env), 'temporal'));
    const { stdout } = await run(cli.path!, ['--version']);
    expect(stdout).toMatch(/^temporal version/);
  });

  it('builds once for two concurrent callers, atomically, and records the route', async () => {
    const goDir = join(scratch, 'go-ok');
    await fakeGo(goDir, 'never-fails');
    const env = await isolatedEnv('concurrent', [goDir]);
    const progress: string[] = [];
    const [a, b] = await Promise.all([
      ensureTemporalCli({ env, onProgress: (line) => progress.push(line) }),
      ensureTemporalCli({ env, onProgress: (line) => progress.push(line) }),
    ]);
    const cacheDir = temporalCliCacheDir(env);
    expect(a.path).toBe(join(cacheDir, 'temporal'));
    expect(b.path).toBe(a.path);
    expect(await calls(goDir)).toEqual(['install install github.com/temporalio/cli/cmd/temporal@v1.5.1 GOTOOLCHAIN= CGO_ENABLED=0']);
    expect(progress).toContainEqual(expect.stringMatching(/^\[go \d+s\] go: downloading github.com\/temporalio\/cli v1.5.1$/));
    expect(progress).toContainEqual(expect.stringMatching(/^built temporal CLI via go-install in [\d.]+s$/));
    const record = JSON.parse(await readFile(join(cacheDir, 'build.json'), 'utf8'));
    expect(record).toMatchObject({ version: 'v1.5.1', route: 'go-install', go: 'go1.99.0', attempts: [{ route: 'go-install', ok: true }] });
    expect((await readdir(cacheDir)).sort()).toEqual(['build.json', 'temporal']);
  });

  it('falls back to -checklinkname=0, then the module toolchain, then the SDK download', async () => {
    const linkDir = join(scratch, 'go-link');
    await fakeGo(linkDir, '^install github');
    const linked = await ensureTemporalCli({ env: await isolatedEnv('link', [linkDir]) });
    expect(linked).toMatchObject({ route: 'go-install-checklinkname', build: { attempts: [{ route: 'go-install', ok: false, error: 'link: refused' }, { route: 'go-install-checklinkname', ok: true }] } });

    const pinDir = join(scratch, 'go-pin');
    await fakeGo(pinDir, 'GOTOOLCHAIN=$');
    const pinned = await ensureTemporalCli({ env: await isolatedEnv('pin', [pinDir]) });
    expect(pinned).toMatchObject({ route: 'go-install-toolchain', build: { attempts: [{ ok: false }, { ok: false }, { route: 'go-install-toolchain', ok: true, detail: 'GOTOOLCHAIN=go1.25.0' }] } });

    const brokenDir = join(scratch, 'go-broken');
    await fakeGo(brokenDir, '.');
    const env = await isolatedEnv('broken', [brokenDir]);
    const none = await ensureTemporalCli({ env });
    expect(none).toMatchObject({ route: 'sdk-download', attempts: [{ route: 'go-install' }, { route: 'go-install-checklinkname' }, { route: 'go-install-toolchain' }] });
    expect(await calls(brokenDir)).toHaveLength(3);
    expect(await readdir(temporalCliCacheDir(env))).toEqual([]);
  });
});

describe('startDevServer', () => {
  let cliPath: string;
  beforeAll(async () => {
    const cli = await ensureTemporalCli();
    if (cli.path === undefined) throw new Error('no temporal CLI binary: these tests need one');
    cliPath = cli.path;
  });

  it('starts with Cadenza search attributes registered and stops without leaving a process', async () => {
    const [port, uiPort] = await findFreePorts(2);
    const server = await startDevServer({ cliPath, port: port!, uiPort: uiPort!, namespace: 'provision-test', dbFile: join(scratch, 'dev.sqlite') });
    try {
      expect(server.address).toBe(`127.0.0.1:${port}`);
      expect(server.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
      const connection = await Connection.connect({ address: server.address });
      try {
        const listed = await connection.operatorService.listSearchAttributes({ namespace: 'provision-test' });
        const indexedType = { Keyword: 2, Int: 3, KeywordList: 7 } as const;
        for (const { name, type } of cadenzaSearchAttributes) expect(listed.customAttributes?.[name]).toBe(indexedType[type]);
      } finally {
        await connection.close();
      }
      const ui = await fetch(server.uiUrl);
      expect(ui.status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(() => process.kill(server.pid!, 0)).toThrow();
  });

  it('fails in one line naming a port that is already taken', async () => {
    const [port, uiPort] = await findFreePorts(2);
    const sockets = new Set<Socket>();
    const blocker: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startDevServer({ cliPath, port: port!, uiPort: uiPort! })).rejects.toThrow(`port ${port} on 127.0.0.1 (Temporal gRPC) is already in use`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('says so when the port is held by a running Temporal server, instead of reusing it', async () => {
    const address = process.env[TestEnv.Address]!;
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    const [uiPort] = await findFreePorts(1);
    await expect(startDevServer({ cliPath, ip: host, port, uiPort: uiPort! })).rejects.toThrow(
      new RegExp(`^port ${port} on ${host} is already in use by a running Temporal server .*TEMPORAL_ADDRESS=${host}:${port}$`),
    );
  });
});
