/**
 * The API the console tests point the browser at: `startApiContext` (a real worker on its own task
 * queue, the real Temporal dev server), listening on a free loopback port, with a REST driver for
 * what the test does outside the browser.
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
  close(): Promise<void>;
}

/** Starts the API and listens; `key` is the REST driver's default caller. */
export async function startConsoleServer(options: ApiContextOptions & { key?: string } = {}): Promise<ConsoleServer> {
  const ctx = await startApiContext(options);
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address() as { port: number };
  return {
    ctx,
    base: `http://127.0.0.1:${address.port}`,
    api: new ExecutionDriver(ctx.app, options.key),
    close: () => ctx.close(),
  };
}
