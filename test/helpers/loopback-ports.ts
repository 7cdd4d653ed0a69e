/** Loopback ports that misbehave on purpose, for tests of what a client does when nothing answers. */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A loopback port with nothing listening on it (connections are refused). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A loopback server that accepts connections and never says a word (a wrong host behind a proxy, a stuck server). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const s: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    port: (s.address() as AddressInfo).port,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
