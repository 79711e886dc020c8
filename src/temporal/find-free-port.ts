/**
 * Free TCP ports on the loopback interface, for tests and for dev servers started side by side, and
 * probes of one port. Finding ports is `get-port`'s: it never hands out a port twice to this process
 * within 15 s. The probes stay here: `get-port` answers "taken" for a port it handed out itself, and
 * the dev server checks exactly those ports before it binds them.
 */
import { connect, createServer } from 'node:net';
import getPort from 'get-port';

/** A port nothing listens on right now (the OS picks it). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return getPort({ host });
}

/** `count` distinct free ports. */
export async function findFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await getPort({ host }));
  return ports;
}

/** Whether `port` can be bound on `host` right now. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(false);
      else reject(error);
    });
    server.listen(port, host, () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/** Whether something accepts TCP connections on `host:port` right now. */
export async function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
