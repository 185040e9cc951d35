import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { DevApiConfig, DevTokenExchangeProfileConfig } from './config.js';
import type { ActClaim } from './delegations.js';
import { issueGrantTokens } from './grant-tokens.js';
import { oidcProvider } from './oidc-provider.js';
import type { Organization } from './organizations.js';
import { isSessionTransferAudience, SESSION_TRANSFER_TOKEN_TYPE } from './session-transfer.js';
import { findApi, type TenantState } from './tenant-state.js';
import { invalidGrant, invalidRequest } from './token-errors.js';
import { findUser } from './users.js';
import {
  verifyTenantAccessToken,
  verifyTenantIdToken,
  verifyTenantJwt,
} from './verify-tenant-access-token.js';

/** RFC 8693's grant: Auth0's Custom Token Exchange (and, for `session_transfer`, Native to Web). */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693's token type identifiers the tenant takes or issues. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

const PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'audience',
  'scope',
  'actor_token',
  'actor_token_type',
  'organization',
  'requested_token_type',
];

type Params = Record<string, string | undefined>;

/** What a request asks of an exchange, its client authenticated. */
export interface ExchangeRequest {
  subjectToken: string;
  subjectTokenType: string;
  actorToken?: string;
  actorTokenType?: string;
  audience?: string;
  clientId: string;
}

/** Whom the tokens of an exchange are for, and who acts for them. */
export interface ExchangeSubject {
  sub: string;
  act?: ActClaim;
  /** The authentication methods and level of the login a tenant token subject came from. */
  amr?: string[];
  acr?: string;
}

/** A profile the grant matches a request to, configured or built in. */
export interface ExchangeProfile {
  subjectTokenType: string;
  audience?: string;
  resolve(ctx: KoaContextWithOIDC, request: ExchangeRequest): Promise<ExchangeSubject>;
}

/** The request's parameters, checked as RFC 8693 §2.1 has them. */
export function exchangeRequest(ctx: KoaContextWithOIDC): ExchangeRequest {
  const params = ctx.oidc.params as Params;
  for (const name of ['subject_token', 'subject_token_type']) {
    if (!params[name]) throw invalidRequest(`missing required parameter ${name}`);
  }
  if (params.actor_token && !params.actor_token_type) {
    throw invalidRequest('actor_token_type is required when actor_token is sent');
  }
  if (params.actor_token_type && !params.actor_token) {
    throw invalidRequest('actor_token is required when actor_token_type is sent');
  }
  return {
    subjectToken: params.subject_token as string,
    subjectTokenType: params.subject_token_type as string,
    actorToken: params.actor_token || undefined,
    actorTokenType: params.actor_token_type || undefined,
    audience: params.audience || undefined,
    clientId: ctx.oidc.client?.clientId as string,
  };
}

/**
 * The actor of an exchange: the one the profile's `validate` named, else the `sub` of the
 * `actor_token` when it is a JWT this tenant signed (an ID token or an access token, of any of its
 * domains, unexpired). An `actor_token` that is neither is refused. No `actor_token` and no actor
 * named: no actor. An actor who is the subject is none (a user does not act for themself).
 */
export async function actorOf(
  state: TenantState,
  request: ExchangeRequest,
  sub: string,
  named: string | undefined,
): Promise<ActClaim | undefined> {
  let actor = named;
  if (actor === undefined && request.actorToken) {
    const claims = await verifyTenantJwt(state, request.actorToken);
    if (typeof claims?.sub !== 'string') {
      throw invalidGrant(
        'actor_token is not a valid token of this tenant, and the profile named no actor',
      );
    }
    actor = claims.sub;
  }
  return actor === undefined || actor === sub ? undefined : { sub: actor };
}

/** A configured profile: its `validate` decides, as the profile's Action does at Auth0. */
function configuredProfile(state: TenantState, config: DevTokenExchangeProfileConfig) {
  return {
    subjectTokenType: config.subjectTokenType,
    audience: config.audience,
    async resolve(_ctx: KoaContextWithOIDC, request: ExchangeRequest): Promise<ExchangeSubject> {
      let decided: unknown;
      try {
        decided = await config.validate(request.subjectToken, {
          ...(request.actorToken
            ? { actorToken: request.actorToken, actorTokenType: request.actorTokenType }
            : {}),
          clientId: request.clientId,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw invalidGrant(message || 'the subject token was refused');
      }
      const { sub, actor } = (decided ?? {}) as { sub?: unknown; actor?: unknown };
      if (typeof sub !== 'string' || (actor !== undefined && typeof actor !== 'string')) {
        throw invalidGrant(
          `the token exchange profile for ${config.subjectTokenType} returned no sub (validate must return { sub, actor? } with strings)`,
        );
      }
      return { sub, act: await actorOf(state, request, sub, actor) };
    },
  } satisfies ExchangeProfile;
}

/**
 * The built-in on-behalf-of profile: an API that received an access token of this tenant
 * exchanges it for one for another API. The subject is the token's user; the actor, the client
 * doing the exchange, after whoever acted before it (the token's own `act`, RFC 8693 §4.1).
 */
function onBehalfOfProfile(state: TenantState): ExchangeProfile {
  return {
    subjectTokenType: ACCESS_TOKEN_TYPE,
    async resolve(_ctx, request) {
      const claims = await verifyTenantAccessToken(state, request.subjectToken);
      if (typeof claims?.sub !== 'string') {
        throw invalidGrant('subject_token is not a valid access token of this tenant');
      }
      const previous = claims.act as ActClaim | undefined;
      const act: ActClaim = { sub: request.clientId, ...(previous ? { act: previous } : {}) };
      return { sub: claims.sub, act };
    },
  };
}

/**
 * The built-in profiles of a session transfer: an ID token this tenant issued to the client, or
 * a refresh token of the client, stands for its user (Auth0's Native to Web SSO). The login they
 * start keeps the methods (`amr`) and level (`acr`) of the one they came from.
 */
function sessionTransferProfiles(state: TenantState): ExchangeProfile[] {
  return [
    {
      subjectTokenType: ID_TOKEN_TYPE,
      async resolve(_ctx, request) {
        const claims = await verifyTenantIdToken(state, request.subjectToken, request.clientId);
        if (!claims?.sub) {
          throw invalidGrant(
            'subject_token is not a valid ID token of this tenant for this client',
          );
        }
        const amr = Array.isArray(claims.amr) ? (claims.amr as string[]) : undefined;
        const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
        const act = await actorOf(state, request, claims.sub, undefined);
        return { sub: claims.sub, act, amr, acr };
      },
    },
    {
      subjectTokenType: REFRESH_TOKEN_TYPE,
      async resolve(ctx, request) {
        const token = await ctx.oidc.provider.RefreshToken.find(request.subjectToken);
        if (!token || token.isExpired || token.consumed || token.clientId !== request.clientId) {
          throw invalidGrant('subject_token is not a valid refresh token of this client');
        }
        const act = await actorOf(state, request, token.accountId, undefined);
        return { sub: token.accountId, act, amr: token.amr, acr: token.acr };
      },
    },
  ];
}

/**
 * The profile for a request: the first configured one of its `subject_token_type` (pinned to its
 * audience, or to none), else the first of `builtIn` of that type.
 */
export function findProfile(
  state: TenantState,
  request: ExchangeRequest,
  builtIn: readonly ExchangeProfile[],
): ExchangeProfile {
  const profiles: ExchangeProfile[] = [
    ...state.config.tokenExchangeProfiles.map((config) => configuredProfile(state, config)),
    ...builtIn,
  ];
  const profile = profiles.find(
    (candidate) =>
      candidate.subjectTokenType === request.subjectTokenType &&
      (candidate.audience === undefined || candidate.audience === request.audience),
  );
  if (!profile) {
    throw invalidRequest(
      `no token exchange profile for subject_token_type ${request.subjectTokenType}${request.audience ? ` and audience ${request.audience}` : ''}`,
    );
  }
  return profile;
}

/** The user of an exchange's subject; `invalid_grant` when the tenant has no such user. */
export function existingUser(state: TenantState, sub: string) {
  const user = findUser(state, sub);
  if (!user) throw invalidGrant(`the user ${sub} does not exist`);
  return user;
}

/**
 * The organization an exchange names, which the user must be a member of: `invalid_request` for
 * one the tenant does not have, `invalid_grant` for a user who is not a member, as at `/authorize`.
 */
export function exchangeOrganization(
  state: TenantState,
  params: Params,
  sub: string,
): Organization | undefined {
  const idOrName = params.organization;
  if (!idOrName) return undefined;
  const organization = state.organizations.find(idOrName);
  if (!organization) {
    throw invalidRequest(`parameter organization is invalid: no organization ${idOrName}`);
  }
  if (!state.organizations.isMember(organization, sub)) {
    throw invalidGrant(`user ${sub} is not part of the ${organization.id} organization`);
  }
  return organization;
}

/** The API an exchange asks for, or none; an unknown one is refused as at `/authorize`. */
function exchangeApi(state: TenantState, audience: string | undefined): DevApiConfig | undefined {
  if (audience === undefined) return undefined;
  const api = findApi(state, audience);
  if (!api) throw new (oidcProvider().errors.InvalidTarget)(`Service not found: ${audience}`);
  return api;
}

/** RFC 8693's `requested_token_type`, when sent, must be the one the exchange issues. */
function checkRequestedType(params: Params, issued: string): void {
  const requested = params.requested_token_type;
  if (requested !== undefined && requested !== issued) {
    throw invalidRequest(`unsupported requested_token_type ${requested}`);
  }
}

/**
 * A session transfer token for the subject's user (and actor), which one `/authorize` turns into
 * a login without the form (see `session-transfer.ts`). The organization, when named, is checked
 * as for other exchanges; the authorization names the one it logs in to.
 */
async function issueSessionTransferToken(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  request: ExchangeRequest,
): Promise<Record<string, unknown>> {
  const params = ctx.oidc.params as Params;
  checkRequestedType(params, SESSION_TRANSFER_TOKEN_TYPE);
  const profile = findProfile(state, request, sessionTransferProfiles(state));
  const { sub, act, amr, acr } = await profile.resolve(ctx, request);
  existingUser(state, sub);
  exchangeOrganization(state, params, sub);
  const { value, lifetime } = state.sessionTransfers.issue({ sub, act, amr, acr });
  return {
    access_token: value,
    issued_token_type: SESSION_TRANSFER_TOKEN_TYPE,
    token_type: 'N_A',
    expires_in: lifetime,
  };
}

/**
 * Registers RFC 8693 token exchange on a provider, as Auth0's Custom Token Exchange:
 * `subject_token`, `subject_token_type` (matched to a profile), `audience?`, `scope?`,
 * `actor_token?` with `actor_token_type?`, `organization?`. oidc-provider authenticates the client.
 * `audience=urn:{domain}:session_transfer` asks for a session transfer token instead.
 */
export function registerTokenExchange(provider: Provider, state: TenantState): void {
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx) => {
      const request = exchangeRequest(ctx);
      if (isSessionTransferAudience(state, request.audience)) {
        ctx.body = await issueSessionTransferToken(state, ctx, request);
        return;
      }
      const params = ctx.oidc.params as Params;
      checkRequestedType(params, ACCESS_TOKEN_TYPE);
      const api = exchangeApi(state, request.audience);
      const builtIn = state.config.onBehalfOf ? [onBehalfOfProfile(state)] : [];
      const subject = await findProfile(state, request, builtIn).resolve(ctx, request);
      existingUser(state, subject.sub);
      const organization = exchangeOrganization(state, params, subject.sub);
      ctx.body = {
        ...(await issueGrantTokens(state, ctx, {
          ...subject,
          api,
          organization,
          gty: TOKEN_EXCHANGE_GRANT,
        })),
        issued_token_type: ACCESS_TOKEN_TYPE,
      };
    },
    PARAMETERS,
  );
}
