import type Provider from 'oidc-provider';
import type { ResourceServer } from 'oidc-provider';
import type { Authenticators } from './authenticators.js';
import type { BackchannelDeliveries } from './backchannel-deliveries.js';
import type { BackchannelRequests } from './ciba-requests.js';
import type { DevApiConfig, ResolvedTenantConfig } from './config.js';
import type { ConnectedAccounts } from './connected-accounts.js';
import type { Delegations } from './delegations.js';
import type { DpopNonces } from './dpop/nonces.js';
import type { Identities } from './identities.js';
import type { Invitations } from './invitations.js';
import type { SigningKeys } from './keys.js';
import type { TenantStorage } from './memory-adapter.js';
import type { LoginChallenges } from './mfa-login.js';
import type { MfaTokens, OobChallenges } from './mfa-tokens.js';
import type { Organizations } from './organizations.js';
import type { Outbox } from './outbox.js';
import type { Passkeys } from './passkeys.js';
import type { PasswordlessCodes } from './passwordless-codes.js';
import type { PasswordlessUsers } from './passwordless-users.js';
import type { SessionDomains } from './session-domains.js';
import type { SessionTransfers } from './session-transfer.js';

/**
 * What every domain of the tenant shares: one provider per domain (the main one and each custom
 * domain), all over this state, as Auth0's custom domains are one tenant. It outlives the
 * providers, which a key rotation rebuilds.
 */
export interface TenantState {
  /** The issuer of each domain, `http://127.0.0.1:PORT/`: the main domain first. */
  issuers: readonly string[];
  config: ResolvedTenantConfig;
  keys: SigningKeys;
  storage: TenantStorage;
  /** Keys that sign the tenant's own cookies; kept across rebuilds so sessions survive. */
  cookieKeys: string[];
  /** Connected upstream accounts and the upstream tokens issued for them. */
  accounts: ConnectedAccounts;
  /** Organizations, their members, and the organization of each grant. */
  organizations: Organizations;
  /** The actor of each grant given by delegation (token exchange with an actor). */
  delegations: Delegations;
  /** The users' identities: their own, and the accounts of other connections linked to them. */
  identities: Identities;
  /** Invitations to organizations not yet accepted. */
  invitations: Invitations;
  /** The users' second factors. */
  authenticators: Authenticators;
  /** The second factors login pages are waiting for. */
  loginChallenges: LoginChallenges;
  /** The emails and text messages with codes the tenant "sent". */
  outbox: Outbox;
  /** The `mfa_token`s of `mfa_required` answers, and the codes sent out of band for them. */
  mfaTokens: MfaTokens;
  oobChallenges: OobChallenges;
  /** Passkey ceremonies waiting for their token request, and the users' passkeys. */
  passkeys: Passkeys;
  /** Session transfer tokens not used yet. */
  sessionTransfers: SessionTransfers;
  /** Back-channel logouts sent, and redelivered when an app did not take them. */
  deliveries: BackchannelDeliveries;
  /** The domain each client's part of a session was signed in on: its logout token's issuer. */
  sessionDomains: SessionDomains;
  /** CIBA requests (`/bc-authorize`) waiting for their user, or answered. */
  backchannelRequests: BackchannelRequests;
  /** The users passwordless logins created. */
  passwordlessUsers: PasswordlessUsers;
  /** The live passwordless codes, and the starts of the last minute. */
  passwordlessCodes: PasswordlessCodes;
  /** The tenant's DPoP nonces, when `dpopNonces` is on: one source for every domain and endpoint. */
  dpopNonces: DpopNonces | undefined;
  /** The provider serving each domain now, by issuer (replaced when keys rotate). */
  providers: Map<string, Provider>;
}

/** Scopes of the My Account API's connected-accounts endpoints. */
export const MY_ACCOUNT_SCOPES =
  'create:me:connected_accounts read:me:connected_accounts delete:me:connected_accounts';

/** The My Account API's identifier on one domain, as Auth0's: `https://{domain}/me/`. */
export const myAccountAudience = (issuer: string): string => `${issuer}me/`;

/**
 * Whether `identifier` is the My Account API of one of the tenant's domains. Each domain has its
 * own identifier, and all of them name the one API of the one tenant: any domain issues tokens for
 * any of them (the API itself, on each domain, takes only its own; see `my-account-api.ts`).
 */
export function isMyAccountAudience(state: TenantState, identifier: string): boolean {
  return state.issuers.some((issuer) => myAccountAudience(issuer) === identifier);
}

/** How oidc-provider issues access tokens for an API: JWTs signed RS256, for the API's lifetime. */
export function resourceServerOf(api: DevApiConfig): ResourceServer {
  return {
    scope: api.scopes,
    audience: api.identifier,
    accessTokenTTL: api.accessTokenLifetime ?? 86_400,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}

/** The APIs of the tenant: the configured ones and Auth0's My Account API at `{issuer}me/`. */
export function findApi(state: TenantState, identifier: string): DevApiConfig | undefined {
  if (isMyAccountAudience(state, identifier))
    return {
      identifier,
      scopes: MY_ACCOUNT_SCOPES,
      accessTokenLifetime: 600,
      dpop: state.config.myAccountApi.dpop,
    };
  return state.config.apis.find((candidate) => candidate.identifier === identifier);
}
