import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback port with nothing listening: bind one, then close it (also how a test picks a port for a server of its own). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A port whose connections are refused: nothing listens on it. */
export const refusedPort = freePort;
