/**
 * The API the console tests point the browser at: `startApiContext` (a real worker on its own task
 * queue, the real Temporal dev server), listening on a free loopback port, with a REST driver for
 * what the test does outside the browser. Executions it started and that are still open when it
 * closes are terminated, so no other test file's inbox lists them once their worker is gone.
 */
import { type ApiContext, type ApiContextOptions, startApiContext } from '../api/api-context';
import { ExecutionDriver } from '../api/execution-driver';

/** A listening API. */
export interface ConsoleServer {
  ctx: ApiContext;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** REST calls through `app.inject`, with `key` as the default caller. */
  api: ExecutionDriver;
  /** Starts an execution through the REST API and remembers it for the cleanup. */
  trigger(workflowId: string, input?: unknown): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the API and listens; `key` is the REST driver's default caller. Queries keep the default
 * worker deadline (5 s): a shorter one answers 503 on a loaded CI machine, which the page's checks
 * would see as a console error.
 */
export async function startConsoleServer(options: ApiContextOptions & { key?: string } = {}): Promise<ConsoleServer> {
  const ctx = await startApiContext(options);
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address() as { port: number };
  const api = new ExecutionDriver(ctx.app, options.key);
  const started: string[] = [];
  return {
    ctx,
    base: `http://127.0.0.1:${address.port}`,
    api,
    async trigger(workflowId, input = {}) {
      const id = await api.trigger(workflowId, input);
      started.push(id);
      return id;
    },
    async close() {
      await Promise.all(
        started.map(async (id) => {
          const handle = ctx.t.client.workflow.getHandle(id);
          if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('console test finished');
        }),
      );
      await ctx.close();
    },
  };
}
