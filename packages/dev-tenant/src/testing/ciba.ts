import type { BackchannelRequestInfo } from '../ciba-pages.js';

/** Where the tenant is: its origin (any of its domains), e.g. `tenant.url`. */
interface TenantOptions {
  tenantUrl: string | URL;
}

/** Options of {@link approveBackchannel} and {@link denyBackchannel}. */
export interface BackchannelDecisionOptions extends TenantOptions {
  /** The `auth_req_id` that `/bc-authorize` answered. */
  authReqId: string;
}

/** Options of {@link listBackchannelRequests}. */
export interface ListBackchannelRequestsOptions extends TenantOptions {
  /** Only the requests to this user (`sub`). Default: every user's. */
  sub?: string;
}

async function decide(options: BackchannelDecisionOptions, decision: 'approve' | 'deny') {
  const path = `/ciba/${encodeURIComponent(options.authReqId)}/${decision}`;
  const response = await fetch(new URL(path, options.tenantUrl), {
    method: 'POST',
    redirect: 'manual',
  });
  await response.body?.cancel();
  if (response.status !== 303) {
    throw new Error(
      `dev tenant answered ${response.status} to ${decision} ${options.authReqId}: it is not waiting (answered, expired or unknown)`,
    );
  }
}

/**
 * Approves a CIBA request as its user would on their phone (the Approve button of `/ciba`), over
 * HTTP. The client's next poll (after `interval`) gets the tokens. Rejects for a request that is
 * not waiting.
 *
 * @example
 * const [request] = await listBackchannelRequests({ tenantUrl: tenant.url, sub: 'auth0|alice' });
 * await approveBackchannel({ tenantUrl: tenant.url, authReqId: request!.authReqId });
 */
export function approveBackchannel(options: BackchannelDecisionOptions): Promise<void> {
  return decide(options, 'approve');
}

/** Denies a CIBA request as its user would (the Deny button): the client then gets `access_denied`. */
export function denyBackchannel(options: BackchannelDecisionOptions): Promise<void> {
  return decide(options, 'deny');
}

/**
 * The CIBA requests waiting for their user (of `sub`, when given), oldest first, each
 * `{ authReqId, sub, clientId, bindingMessage, expiresAt }` (`expiresAt` in milliseconds), over
 * HTTP (`GET /test/ciba?sub=`).
 */
export async function listBackchannelRequests(
  options: ListBackchannelRequestsOptions,
): Promise<BackchannelRequestInfo[]> {
  const url = new URL('/test/ciba', options.tenantUrl);
  if (options.sub !== undefined) url.searchParams.set('sub', options.sub);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`dev tenant answered ${response.status} for its CIBA requests`);
  return ((await response.json()) as { requests: BackchannelRequestInfo[] }).requests;
}
