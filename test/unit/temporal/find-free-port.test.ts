import { createServer, type Server } from 'node:net';
import { findFreePort, findFreePorts, isListening, isPortFree } from '../../../src/temporal/find-free-port';

describe('free ports', () => {
  it('finds distinct ports that can be bound, also across calls', async () => {
    const ports = [...(await findFreePorts(5)), await findFreePort()];
    expect(new Set(ports).size).toBe(6);
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      expect(await isPortFree(port)).toBe(true);
    }
  });

  it('tells a bound port: not free, and listening', async () => {
    const [port] = await findFreePorts(1);
    expect(await isListening(port!)).toBe(false);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await isPortFree(port!)).toBe(false);
      expect(await isListening(port!)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isPortFree(port!)).toBe(true);
  });
});
