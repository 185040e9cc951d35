import { send } from '@gatehouse/base';
import type { Tenant } from './tenant.js';

/** Largest answer read from one of Auth0's JSON endpoints. */
const MAX_RESPONSE_BYTES = 65_536;

/** An answer of one of Auth0's JSON endpoints outside OAuth (MFA, passwordless, passkeys). */
export interface TenantApiAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The parsed JSON body (undefined when empty). */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, checked field by field by each caller.
  body: any;
  /** The tenant's `error` and `error_description`, on a refusal that carries them. */
  error: string | undefined;
  errorDescription: string | undefined;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Calls one of Auth0's JSON endpoints on the tenant's domain (`/mfa/…`, `/passwordless/start`,
 * `/passkey/…`) with the client's timeout and fetch, reading at most 64 KiB. Throws only when no
 * answer came (network, timeout, a body that is not JSON); a refusal is an answer with `ok` false.
 */
export async function callTenantApi(
  tenant: Tenant,
  path: string,
  init: RequestInit,
): Promise<TenantApiAnswer> {
  const response = await send(new URL(path, tenant.address.origin), tenant.httpPolicy, init);
  const raw = await response.text();
  if (raw.length > MAX_RESPONSE_BYTES) throw new Error('the response is too large');
  const body = raw === '' ? undefined : JSON.parse(raw);
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    body,
    error: response.ok ? undefined : text(body?.error),
    errorDescription: response.ok ? undefined : text(body?.error_description),
  };
}

/**
 * A JSON request body with the client's authentication in it (`client_id`, and `client_secret` or
 * a client assertion), as Auth0's JSON endpoints take it.
 */
export async function withClientAuth(
  tenant: Tenant,
  fields: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const form = new URLSearchParams({ client_id: tenant.client.client_id });
  const as = await tenant.metadata();
  await (await tenant.bodyClientAuth())(as, tenant.client, form, new Headers());
  return { ...Object.fromEntries(form), ...fields };
}
