import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A port on which nothing listens: connections are refused, as when Redis is down. */
export const CLOSED_PORT_URL = 'redis://127.0.0.1:1';

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server, sockets: Set<Socket>) {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Simulates a server that accepts connections and then never answers, not even the connection
 * handshake (a hung server, a network path that drops packets).
 */
export async function startSilentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read and ignore every command
  });
  const port = await listen(server);
  return { url: `redis://127.0.0.1:${port}`, close: () => closeServer(server, sockets) };
}

/**
 * A TCP proxy in front of the real Redis that a test can freeze (Redis hangs), cut (every
 * connection dropped, new ones refused: Redis is down) and restore (Redis is back on the same
 * address).
 */
export async function startRedisProxy(redisUrl: string) {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  let frozen = false;
  const makeServer = () =>
    createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      track(client);
      track(upstream);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('data', (chunk) => frozen || upstream.write(chunk));
      upstream.on('data', (chunk) => frozen || client.write(chunk));
    });
  let server = makeServer();
  const port = await listen(server);
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    /** Redis stops answering: connections stay open, and whatever is sent is lost. */
    freeze() {
      frozen = true;
    },
    /** Redis goes away: open connections drop, new ones are refused. */
    async cut() {
      await closeServer(server, sockets);
    },
    /** Redis is back at the same address. */
    async restore() {
      frozen = false;
      server = makeServer();
      await listen(server, port);
    },
    async close() {
      if (server.listening) await closeServer(server, sockets);
    },
  };
}
