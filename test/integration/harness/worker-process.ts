/**
 * A Cadenza worker in a child process (`src/worker.ts`), for tests that kill it with SIGKILL. The
 * processes a test file spawned are tracked so its `afterAll` can kill whatever is left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/** Where the worker process connects and what it loads. */
export interface WorkerProcessOptions {
  /** Temporal frontend address and namespace (the test client's). */
  address: string;
  namespace: string;
  taskQueue: string;
  /** Tool module the worker loads (`CADENZA_TOOLS`), relative to the repository root. */
  toolsModule: string;
  /** Further environment (NATS_URL, CADENZA_TEST_TOOL_LOG, …). */
  env?: Record<string, string>;
  /** The child's stderr: inherited (shown in the test output) or ignored. */
  stderr?: 'inherit' | 'ignore';
}

/** Spawns and tracks worker processes; `killAll()` ends those still running. */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];

  /** Starts a worker process; it polls once it has connected. */
  start(options: WorkerProcessOptions): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/worker.ts')], {
      cwd: root,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: options.address,
        TEMPORAL_NAMESPACE: options.namespace,
        CADENZA_TASK_QUEUE: options.taskQueue,
        CADENZA_TOOLS: path.join(root, options.toolsModule),
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'ignore', options.stderr ?? 'inherit'],
    });
    this.children.push(child);
    return child;
  }

  /** SIGKILLs every tracked process that has not exited. */
  killAll(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
