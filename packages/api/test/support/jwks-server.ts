/**
 * A small local authorization-server stand-in on 127.0.0.1 that serves a discovery document and a
 * JWKS of test keys. It is fault injection, not a mock of the dev tenant: tests use it to publish
 * keys the dev tenant never would (foreign, short, rotated at will), to count every request the
 * verifier makes, and to simulate outages, slow answers, redirects, oversized and malformed bodies.
 * Tests of the real flows use the dev tenant.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** What the server does with the next requests. */
export type Fault =
  /** Answers normally. */
  | 'none'
  /** HTTP 500 with a body. */
  | 'error'
  /** Never answers (for timeouts). */
  | 'hang'
  /** 302 to another path of this server. */
  | 'redirect'
  /** A body far over any sane size, with Content-Length. */
  | 'oversized'
  /** A body over the size cap, streamed without Content-Length. */
  | 'oversized-chunked'
  /** A body that is not JSON. */
  | 'not-json';

export interface JwksServer {
  /** Origin, e.g. `http://127.0.0.1:5123`: what `domain` is given. */
  url: string;
  /** The issuer tokens must carry: `url` + `/`. */
  issuer: string;
  /** Requests received, per path. */
  requests: Record<string, number>;
  /** Total requests received. */
  readonly total: number;
  /** The JWKS served; replace it to rotate keys. */
  jwks: { keys: JWK[] };
  /** Overrides members of the discovery document (e.g. a foreign `jwks_uri`). */
  discovery: Record<string, unknown>;
  /** `Cache-Control` sent with both documents, if any. */
  cacheControl: string | undefined;
  /** Which paths the fault applies to (default both documents). */
  faultPaths: string[];
  fault: Fault;
  close(): Promise<void>;
}

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/.well-known/jwks.json';
/** A second place the JWKS is served, for a discovery document that moves `jwks_uri`. */
export const MOVED_JWKS_PATH = '/keys/v2/jwks.json';

/** Starts the server on a free port of 127.0.0.1. */
export async function startJwksServer(jwks: { keys: JWK[] } = { keys: [] }): Promise<JwksServer> {
  const hanging = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    state.requests[path] = (state.requests[path] ?? 0) + 1;
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(state.cacheControl ? { 'cache-control': state.cacheControl } : {}),
        ...headers,
      });
      response.end(body);
    };
    if (state.faultPaths.includes(path)) {
      switch (state.fault) {
        case 'error':
          return send(500, '{"error":"internal tenant error with secrets"}');
        case 'hang':
          hanging.add(response);
          return;
        case 'redirect':
          response.writeHead(302, { location: `${state.url}/redirected${path}` });
          return response.end();
        case 'oversized':
          return send(200, JSON.stringify({ keys: [], padding: 'x'.repeat(1_000_000) }));
        case 'oversized-chunked': {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write('{"keys":[],"padding":"');
          for (let i = 0; i < 100; i += 1) response.write('y'.repeat(10_000));
          return response.end('"}');
        }
        case 'not-json':
          return send(200, '<html>not json</html>');
        case 'none':
          break;
      }
    }
    if (path === DISCOVERY_PATH) {
      return send(
        200,
        JSON.stringify({
          issuer: state.issuer,
          jwks_uri: `${state.url}${JWKS_PATH}`,
          token_endpoint: `${state.url}/oauth/token`,
          ...state.discovery,
        }),
      );
    }
    if (path === JWKS_PATH || path === MOVED_JWKS_PATH)
      return send(200, JSON.stringify(state.jwks));
    return send(404, '{"error":"not_found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const state: JwksServer = {
    url,
    issuer: `${url}/`,
    requests: {},
    get total() {
      return Object.values(state.requests).reduce((sum, count) => sum + count, 0);
    },
    jwks,
    discovery: {},
    cacheControl: undefined,
    faultPaths: [DISCOVERY_PATH, JWKS_PATH],
    fault: 'none',
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return state;
}
