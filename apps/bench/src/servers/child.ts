/**
 * Entry point of a server child process. The parent asks it to `listen` (on 127.0.0.1, a port
 * chosen by the system), then to `configure` one server of the catalogue: the port is known before
 * the app is built, so that session servers can be registered at the tenant with their callback URL.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveParent } from '../support/child.js';
import { SERVERS, type ServerName } from './catalogue.js';
import type { BuiltServer, ServerContext } from './types.js';

let listener: RequestListener = (_req, res) => {
  res.writeHead(503).end();
};
const server = createServer((req, res) => listener(req, res));
server.keepAliveTimeout = 30_000;
let built: BuiltServer | undefined;
let baseUrl: string | undefined;

serveParent(
  {
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { baseUrl };
    },
    async configure(payload: {
      name: ServerName;
      context: Omit<ServerContext, 'server' | 'baseUrl'>;
    }) {
      if (!baseUrl) throw new Error('configure before listen');
      const load = SERVERS[payload.name];
      if (!load) throw new Error(`no server named ${payload.name}`);
      const factory = await load();
      built = await factory({ ...payload.context, server, baseUrl });
      listener = built.listener;
      return { pid: process.pid };
    },
    /** Commands sent to Redis so far (null for a server without Redis). */
    redisCommands() {
      return built?.redisCommands?.() ?? null;
    },
    /** CPU time used so far, user plus system, in microseconds. */
    cpu() {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
  },
  async () => {
    await built?.close?.();
    server.closeAllConnections();
  },
);
