/**
 * Session transfer (Auth0's Native to Web SSO, and Custom Token Exchange's session transfer): a
 * token exchange for `urn:{domain}:session_transfer` gives a one-shot token that `/authorize`
 * turns into a login without the form.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENTS,
  type DevTenant,
  type DevTenantDomain,
  MFA_ACR,
  startDevTenant,
} from '../src/index.js';
import { BrowserClient, parseForms, readOutbox } from '../src/testing/index.js';
import { ALICE, authorize, BOB, CALLBACK, loginTokens, pkce, tokenRequest } from './helpers.js';
import { type Answer, token } from './mfa-helpers.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const STT_TYPE = 'urn:auth0:params:oauth:token-type:session_transfer_token';
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const AGENT = 'urn:acme:agent-token';
const OTHER_APP = { id: 'other-app', secret: 'other-app-secret-other-app-secret' };

let tenant: DevTenant;
let main: DevTenantDomain;
let custom: DevTenantDomain;
beforeAll(async () => {
  tenant = await startDevTenant({
    customDomains: [{ port: 0 }],
    config: {
      clients: [
        DEFAULT_CLIENTS[0]!,
        { clientId: OTHER_APP.id, clientSecret: OTHER_APP.secret, redirectUris: [CALLBACK] },
      ],
      tokenExchangeProfiles: [
        {
          // A support agent (`agent:<name>`) takes over the session of the user named.
          subjectTokenType: AGENT,
          validate: (subjectToken, { actorToken }) => ({
            sub: subjectToken,
            ...(actorToken?.startsWith('agent:') ? { actor: actorToken } : {}),
          }),
        },
      ],
    },
  });
  [main, custom] = tenant.domains as [DevTenantDomain, DevTenantDomain];
});
afterAll(() => tenant.close());

/** The session transfer audience of a domain: `urn:127.0.0.1:PORT:session_transfer`. */
const audienceOf = (domain: DevTenantDomain) => `urn:${new URL(domain.url).host}:session_transfer`;

/** A token exchange for a session transfer token, at `domain`, as the demo app. */
const transfer = (
  params: Record<string, string>,
  domain: DevTenantDomain = main,
  client?: { id: string; secret: string },
): Promise<Answer> =>
  token(domain, { grant_type: GRANT, audience: audienceOf(domain), ...params }, client);

/** A session transfer token for a login of `who` (a refresh token of theirs as the subject). */
async function sessionTransferToken(who = ALICE): Promise<string> {
  const login = await loginTokens(main, {}, who);
  const answer = await transfer({
    subject_token: login.refresh_token ?? '',
    subject_token_type: REFRESH_TOKEN_TYPE,
  });
  if (answer.status !== 200)
    throw new Error(`no session transfer token: ${JSON.stringify(answer)}`);
  return answer.body.access_token;
}

/**
 * Opens the demo app's `/authorize` with `params` in `browser` and follows it: to the callback
 * (its code) or to the page where it stays (the login form).
 */
async function openAuthorize(
  params: Record<string, string>,
  browser = new BrowserClient(),
  domain: DevTenantDomain = main,
) {
  const { verifier, challenge } = pkce();
  const url = new URL('/authorize', domain.url);
  url.search = new URLSearchParams({
    client_id: 'demo-web',
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'state-1',
    ...params,
  }).toString();
  const end = await browser.navigate(url, { stopBefore: (next) => next.href.startsWith(CALLBACK) });
  const callback = end.history.at(-1) as URL;
  const code = callback.href.startsWith(CALLBACK) ? callback.searchParams.get('code') : null;
  const loginForm = parseForms(end.body, end.url).some((form) => form.fields.has('password'));
  return { code, verifier, loginForm, browser, callback };
}

/** The ID token and access token of an authorization code. */
async function redeem(code: string | null, verifier: string, domain: DevTenantDomain = main) {
  const answer = await tokenRequest(domain, {
    grant_type: 'authorization_code',
    code: code ?? '',
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
  expect(answer.status).toBe(200);
  return { idToken: decodeJwt(answer.body.id_token ?? ''), accessToken: answer.body.access_token };
}

describe('a session transfer token', () => {
  it('is issued for a refresh token, as Auth0 answers: token_type N_A, 60 seconds', async () => {
    const login = await loginTokens(main);
    const answer = await transfer({
      subject_token: login.refresh_token ?? '',
      subject_token_type: REFRESH_TOKEN_TYPE,
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        access_token: expect.any(String),
        issued_token_type: STT_TYPE,
        token_type: 'N_A',
        expires_in: 60,
      },
    });
  });

  it('logs its user in at /authorize without the form, then the usual code flow', async () => {
    const stt = await sessionTransferToken(ALICE);
    const { code, verifier, loginForm } = await openAuthorize({ session_transfer_token: stt });
    expect(loginForm).toBe(false);
    const { idToken } = await redeem(code, verifier);
    expect(idToken).toMatchObject({ sub: 'auth0|alice', aud: 'demo-web', iss: main.issuer });
    expect(idToken).not.toHaveProperty('act');
  });

  it('works once: replayed, it shows the login form and makes no session', async () => {
    const stt = await sessionTransferToken(ALICE);
    expect((await openAuthorize({ session_transfer_token: stt })).code).toEqual(expect.any(String));
    const replay = await openAuthorize({ session_transfer_token: stt });
    expect(replay.code).toBeNull();
    expect(replay.loginForm).toBe(true);
    // The replaying browser has no session: without the token, it is asked to sign in still.
    expect((await openAuthorize({}, replay.browser)).loginForm).toBe(true);
  });

  it('expires: a late one shows the login form', async () => {
    const short = await startDevTenant({ config: { sessionTransferTokenLifetime: 1 } });
    try {
      const [domain] = short.domains as [DevTenantDomain];
      const login = await loginTokens(domain);
      const answer = await transfer(
        { subject_token: login.refresh_token ?? '', subject_token_type: REFRESH_TOKEN_TYPE },
        domain,
      );
      expect(answer.body.expires_in).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const late = await openAuthorize(
        { session_transfer_token: answer.body.access_token },
        undefined,
        domain,
      );
      expect(late.loginForm).toBe(true);
    } finally {
      await short.close();
    }
  });

  it('logs in over a session of the same user, and not over one of another user', async () => {
    // Alice signed in in one browser, Bob in another.
    const aliceBrowser = (await authorize(main, {}, new BrowserClient(), ALICE)).browser;
    const bobBrowser = (await authorize(main, {}, new BrowserClient(), BOB)).browser;

    const same = await openAuthorize(
      { session_transfer_token: await sessionTransferToken(ALICE) },
      aliceBrowser,
    );
    expect((await redeem(same.code, same.verifier)).idToken.sub).toBe('auth0|alice');

    const other = await openAuthorize(
      { session_transfer_token: await sessionTransferToken(ALICE) },
      bobBrowser,
    );
    expect(other.code).toBeNull();
    expect(other.loginForm).toBe(true);
  });

  it('is issued for an ID token of the client, and keeps its login second factor', async () => {
    const emailed = async () =>
      (await readOutbox({ tenantUrl: main.url, to: ALICE.email })).at(-1)?.code ?? '';
    const login = await loginTokens(main, { acr_values: MFA_ACR }, { ...ALICE, otp: emailed });
    const answer = await transfer({
      subject_token: login.id_token ?? '',
      subject_token_type: ID_TOKEN_TYPE,
    });
    expect(answer.status).toBe(200);
    // A login that asks for a second factor is not asked for one again: the session has it.
    const { code, verifier, loginForm } = await openAuthorize({
      session_transfer_token: answer.body.access_token,
      acr_values: MFA_ACR,
    });
    expect(loginForm).toBe(false);
    expect((await redeem(code, verifier)).idToken).toMatchObject({
      sub: 'auth0|alice',
      amr: ['mfa'],
      acr: MFA_ACR,
    });

    const otherClient = await transfer(
      { subject_token: login.id_token ?? '', subject_token_type: ID_TOKEN_TYPE },
      main,
      OTHER_APP,
    );
    expect(otherClient.body).toEqual({
      error: 'invalid_grant',
      error_description: 'subject_token is not a valid ID token of this tenant for this client',
    });
    const notRefresh = await transfer({
      subject_token: 'nope',
      subject_token_type: REFRESH_TOKEN_TYPE,
    });
    expect(notRefresh.body).toEqual({
      error: 'invalid_grant',
      error_description: 'subject_token is not a valid refresh token of this client',
    });
  });

  it('is issued for a custom profile, with an actor whose act the tokens of the login carry', async () => {
    const answer = await transfer({
      subject_token: 'auth0|bob',
      subject_token_type: AGENT,
      actor_token: 'agent:support-1',
      actor_token_type: 'urn:acme:agent',
    });
    expect(answer.status).toBe(200);
    const { code, verifier } = await openAuthorize({
      session_transfer_token: answer.body.access_token,
      audience: 'https://api.example.com',
    });
    const { idToken, accessToken } = await redeem(code, verifier);
    expect(idToken).toMatchObject({ sub: 'auth0|bob', act: { sub: 'agent:support-1' } });
    expect(decodeJwt(accessToken ?? '')).toMatchObject({
      sub: 'auth0|bob',
      act: { sub: 'agent:support-1' },
    });
  });

  it('answers no profile for a subject_token_type without one', async () => {
    const answer = await transfer({ subject_token: 'x', subject_token_type: 'urn:acme:unknown' });
    expect(answer.body).toEqual({
      error: 'invalid_request',
      error_description: `no token exchange profile for subject_token_type urn:acme:unknown and audience ${audienceOf(main)}`,
    });
  });

  it('logs in to an organization the authorization names', async () => {
    const stt = await sessionTransferToken(ALICE);
    const { code, verifier } = await openAuthorize({
      session_transfer_token: stt,
      organization: 'acme',
    });
    expect((await redeem(code, verifier)).idToken).toMatchObject({ org_id: 'org_acme' });
    const login = await loginTokens(main, {}, BOB);
    const refused = await transfer({
      subject_token: login.refresh_token ?? '',
      subject_token_type: REFRESH_TOKEN_TYPE,
      organization: 'acme',
    });
    expect(refused.body).toEqual({
      error: 'invalid_grant',
      error_description: 'user auth0|bob is not part of the org_acme organization',
    });
  });

  it('works on every domain: issued on one for its audience, used on another', async () => {
    const login = await loginTokens(custom);
    const answer = await transfer(
      { subject_token: login.refresh_token ?? '', subject_token_type: REFRESH_TOKEN_TYPE },
      custom,
    );
    expect(answer.status).toBe(200);
    const { code, verifier } = await openAuthorize(
      { session_transfer_token: answer.body.access_token },
      undefined,
      main,
    );
    expect((await redeem(code, verifier)).idToken).toMatchObject({
      sub: 'auth0|alice',
      iss: main.issuer,
    });
    const elsewhere = await token(main, {
      grant_type: GRANT,
      audience: 'urn:auth.example.com:session_transfer',
      subject_token: login.refresh_token ?? '',
      subject_token_type: REFRESH_TOKEN_TYPE,
    });
    expect(elsewhere.body).toMatchObject({
      error: 'invalid_target',
      error_description: 'Service not found: urn:auth.example.com:session_transfer',
    });
  });
});
