import type { RequestListener, Server } from 'node:http';
import type { IssuerInfo } from '../support/issuer.js';

/** The dev tenant client a session server logs its users in with. */
export interface TenantClient {
  /** The tenant's origin (its `domain` / `issuerBaseURL`). */
  url: string;
  clientId: string;
  clientSecret: string;
}

/** What a server under test is built from, inside its child process. */
export interface ServerContext {
  /** The HTTP server, already listening on 127.0.0.1. */
  server: Server;
  /** `http://127.0.0.1:<port>`: the app's own base URL. */
  baseUrl: string;
  /** The local issuer whose tokens the API servers verify. */
  issuer: IssuerInfo;
  /** The dev tenant client of a session server. */
  tenant?: TenantClient;
  /** Redis for server-side sessions. */
  redisUrl?: string;
  /** The nodes (`host:port`) of a Redis Cluster for server-side sessions. */
  redisClusterNodes?: string[];
  /** Secret for session sealing (≥ 32 characters), the same for every session library. */
  secret?: string;
  /**
   * The cookie-bytes scenario: log in for this API (with `offline_access`), so that the session
   * holds an access token for it and a refresh token.
   */
  loginAudience?: string;
}

/** A built server: its request listener, and what to release on stop. */
export interface BuiltServer {
  listener: RequestListener;
  close?: () => Promise<void>;
  /** For a server on Redis: the commands its Redis client has sent so far. */
  redisCommands?: () => number;
}

/** Builds one server under test. */
export type ServerFactory = (context: ServerContext) => Promise<BuiltServer>;

/** The path every protected-route server serves. */
export const API_PATH = '/api/orders';
/** The path every session server serves: the signed-in user, or `{ "user": null }`. */
export const SESSION_PATH = '/profile';
/** What the unprotected ceilings answer: the same body the protected routes send. */
export const ALICE_SUB = 'auth0|alice';

/** The token of an `Authorization: Bearer` header, as the physical-limit routes read it. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Bearer ')) return undefined;
  return authorization.slice(7);
}
