import type Provider from 'oidc-provider';
import type { TenantState } from './tenant-state.js';

/**
 * Most `sid`s remembered. Past it the oldest are forgotten, and their logout tokens carry the
 * issuer of the domain the logout happens on.
 */
const MAX_SESSIONS = 10_000;

/**
 * Which domain each client's part of a tenant session (its `sid`) was signed in on. An app
 * checks a logout token's `iss` against the domain it logs in with, so the logout token for a
 * `sid` carries the issuer of the domain that first handed that `sid` out, whichever domain the
 * logout happens on. Sessions are shared by every domain: a user signed in on one domain and then
 * sent through another for the same client keeps that client's `sid`, and its first domain.
 */
export class SessionDomains {
  readonly #issuerBySid = new Map<string, string>();

  /** Remembers the domain `sid` was handed out on, unless it is known already. */
  record(sid: string, issuer: string): void {
    if (this.#issuerBySid.has(sid)) return;
    if (this.#issuerBySid.size >= MAX_SESSIONS) {
      this.#issuerBySid.delete(this.#issuerBySid.keys().next().value as string);
    }
    this.#issuerBySid.set(sid, issuer);
  }

  /** The issuer of the domain `sid` was handed out on, if known. */
  issuerOf(sid: string): string | undefined {
    return this.#issuerBySid.get(sid);
  }
}

/** oidc-provider's Client sends a logout token with this method; its typings omit it. */
interface LogoutClient {
  clientId: string;
  backchannelLogout(sub: string, sid: string): Promise<void>;
}

/**
 * Makes `provider` remember where each `sid` was handed out, and send each logout token from that
 * domain's provider. oidc-provider signs a logout token with the issuer of the provider whose
 * Client sends it, and its logout endpoint always uses its own; so each provider's Client class
 * (one per provider) hands a logout of a `sid` from another domain over to that domain's Client.
 */
export function sendLogoutsFromSessionDomain(provider: Provider, state: TenantState): void {
  provider.on('authorization.success', (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    const sid = clientId ? ctx.oidc.session?.sidFor(clientId) : undefined;
    if (sid) state.sessionDomains.record(sid, provider.issuer);
  });
  const prototype = provider.Client.prototype as unknown as LogoutClient;
  const sendOwn = prototype.backchannelLogout;
  prototype.backchannelLogout = async function backchannelLogout(this: LogoutClient, sub, sid) {
    const issuer = state.sessionDomains.issuerOf(sid);
    const home = issuer === undefined ? undefined : state.providers.get(issuer);
    if (!home || home === provider) return sendOwn.call(this, sub, sid);
    const client = (await home.Client.find(this.clientId)) as LogoutClient | undefined;
    return client ? client.backchannelLogout(sub, sid) : sendOwn.call(this, sub, sid);
  };
}
