/**
 * Account linking, as Auth0's SDKs start it: `/authorize` with `scope=openid link_account` (or
 * `unlink_account`), the primary user's ID token as `id_token_hint` and `requested_connection`.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CONNECTIONS,
  type DevTenant,
  type DevTenantDomain,
  startDevTenant,
} from '../src/index.js';
import { approveAccountLink, BrowserClient, getUser, parseForms } from '../src/testing/index.js';
import { ALICE, authorize, BOB, CALLBACK, pkce, tokenRequest } from './helpers.js';

const GITHUB = { user_id: 'octo-1', email: 'octo@github.example', name: 'Octo' };
const PRIMARY = {
  provider: 'auth0',
  user_id: 'alice',
  connection: 'Username-Password-Authentication',
  isSocial: false,
};

let tenant: DevTenant;
let main: DevTenantDomain;
let custom: DevTenantDomain;
beforeAll(async () => {
  tenant = await startDevTenant({
    customDomains: [{ port: 0 }],
    config: {
      connections: [
        ...DEFAULT_CONNECTIONS,
        {
          name: 'github',
          scopes: 'read:user',
          users: [GITHUB, { user_id: 'octo-2', email: 'two@github.example' }],
        },
        { name: 'gitlab', scopes: 'read_user' },
      ],
    },
  });
  [main, custom] = tenant.domains as [DevTenantDomain, DevTenantDomain];
});
afterAll(() => tenant.close());

/** A browser signed in as `who` at `domain`, and the ID token of that login. */
async function signedIn(who = ALICE, domain: DevTenantDomain = main) {
  const { code, verifier, browser } = await authorize(domain, {}, new BrowserClient(), who);
  const tokens = await tokenRequest(domain, {
    grant_type: 'authorization_code',
    code: code ?? '',
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
  return { browser, idToken: tokens.body.id_token ?? '' };
}

/** The `/authorize` URL of a link (or unlink), as auth0-server-python builds it. */
function linkUrl(domain: DevTenantDomain, params: Record<string, string>) {
  const { verifier, challenge } = pkce();
  const url = new URL('/authorize', domain.url);
  url.search = new URLSearchParams({
    client_id: 'demo-web',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'link-state',
    requested_connection_scope: 'None',
    response_type: 'code',
    scope: 'openid link_account',
    audience: 'my-account',
    redirect_uri: CALLBACK,
    ...params,
  }).toString();
  return { url, verifier };
}

const atCallback = { stopBefore: (next: URL) => next.href.startsWith(CALLBACK) };

/** Where a navigation reached the app's callback: its query. */
async function callbackOf(browser: BrowserClient, url: URL) {
  const end = await browser.navigate(url, atCallback);
  return (end.history.at(-1) as URL).searchParams;
}

async function redeem(domain: DevTenantDomain, code: string | null, verifier: string) {
  const answer = await tokenRequest(domain, {
    grant_type: 'authorization_code',
    code: code ?? '',
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('account linking', () => {
  it('links an account of a connection, then unlinks it, for the primary user', async () => {
    const { browser, idToken } = await signedIn();
    expect((await getUser({ tenantUrl: main.url, sub: 'auth0|alice' })).identities).toEqual([
      PRIMARY,
    ]);

    const link = linkUrl(main, { id_token_hint: idToken, requested_connection: 'github' });
    const end = await approveAccountLink(browser, {
      startUrl: link.url,
      userId: 'octo-1',
      ...atCallback,
    });
    const callback = end.history.at(-1) as URL;
    expect(callback.searchParams.get('state')).toBe('link-state');
    const tokens = await redeem(main, callback.searchParams.get('code'), link.verifier);
    expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({ sub: 'auth0|alice', aud: 'demo-web' });
    // `audience=my-account` is the My Account API of the domain.
    expect(decodeJwt(tokens.access_token ?? '').aud).toBe(`${main.issuer}me/`);

    const linked = await getUser({ tenantUrl: main.url, sub: 'auth0|alice' });
    expect(linked).toEqual({
      sub: 'auth0|alice',
      email: 'alice@example.com',
      name: 'Alice',
      identities: [
        PRIMARY,
        {
          provider: 'github',
          user_id: 'octo-1',
          connection: 'github',
          isSocial: true,
          profileData: { email: 'octo@github.example', name: 'Octo' },
        },
      ],
    });

    const unlink = linkUrl(main, {
      id_token_hint: idToken,
      requested_connection: 'github',
      scope: 'openid unlink_account',
    });
    const unlinked = await callbackOf(browser, unlink.url);
    const after = await redeem(main, unlinked.get('code'), unlink.verifier);
    expect(decodeJwt(after.id_token ?? '').sub).toBe('auth0|alice');
    expect((await getUser({ tenantUrl: main.url, sub: 'auth0|alice' })).identities).toEqual([
      PRIMARY,
    ]);

    const again = await callbackOf(
      browser,
      linkUrl(main, {
        id_token_hint: idToken,
        requested_connection: 'github',
        scope: 'openid unlink_account',
      }).url,
    );
    expect(Object.fromEntries(again)).toMatchObject({
      error: 'invalid_request',
      error_description: 'user auth0|alice has no github identity to unlink',
    });
  });

  it('asks a browser without the primary user signed in to sign them in first', async () => {
    const { idToken } = await signedIn(BOB);
    const link = linkUrl(main, { id_token_hint: idToken, requested_connection: 'google-oauth2' });
    const end = await approveAccountLink(new BrowserClient(), {
      startUrl: link.url,
      ...BOB,
      ...atCallback,
    });
    const code = (end.history.at(-1) as URL).searchParams.get('code');
    expect(decodeJwt((await redeem(main, code, link.verifier)).id_token ?? '').sub).toBe(
      'auth0|bob',
    );
    const bob = await getUser({ tenantUrl: main.url, sub: 'auth0|bob' });
    expect(bob.identities.at(-1)).toMatchObject({
      provider: 'google-oauth2',
      user_id: '100000000000000000001',
      profileData: { email: 'alice@gmail.com', name: 'Alice' },
    });

    // That account is Bob's now: Alice cannot link it too.
    const alice = await signedIn(ALICE);
    const taken = await approveAccountLink(alice.browser, {
      startUrl: linkUrl(main, {
        id_token_hint: alice.idToken,
        requested_connection: 'google-oauth2',
      }).url,
      userId: '100000000000000000001',
      ...atCallback,
    });
    expect(Object.fromEntries((taken.history.at(-1) as URL).searchParams)).toMatchObject({
      error: 'access_denied',
      error_description:
        'the google-oauth2 account 100000000000000000001 is linked to another user',
    });
  });

  it('sends the app access_denied when the user cancels', async () => {
    const { browser, idToken } = await signedIn();
    const page = await browser.navigate(
      linkUrl(main, { id_token_hint: idToken, requested_connection: 'github' }).url,
    );
    const cancel = parseForms(page.body, page.url).find((form) => form.fields.has('deny'));
    const end = await browser.submit(cancel!, {}, atCallback);
    expect(Object.fromEntries((end.history.at(-1) as URL).searchParams)).toMatchObject({
      error: 'access_denied',
      error_description: 'the user did not link the account',
    });
  });

  it('sends the app invalid_request for a missing, forged or foreign id_token_hint', async () => {
    const { browser, idToken } = await signedIn();
    const missing = await callbackOf(
      browser,
      linkUrl(main, { requested_connection: 'github' }).url,
    );
    expect(Object.fromEntries(missing)).toMatchObject({
      error: 'invalid_request',
      error_description: 'id_token_hint is required to link accounts',
    });
    const [header, payload] = idToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    const bad = await callbackOf(
      browser,
      linkUrl(main, { id_token_hint: forged, requested_connection: 'github' }).url,
    );
    expect(bad.get('error')).toBe('invalid_request');
    // An ID token of the custom domain is not one of the main domain's.
    const elsewhere = await signedIn(ALICE, custom);
    const foreign = await callbackOf(
      browser,
      linkUrl(main, { id_token_hint: elsewhere.idToken, requested_connection: 'github' }).url,
    );
    expect(foreign.get('error')).toBe('invalid_request');
  });

  it('sends the app invalid_request for an unknown connection, or one with no accounts', async () => {
    const { browser, idToken } = await signedIn();
    const unknown = await callbackOf(
      browser,
      linkUrl(main, { id_token_hint: idToken, requested_connection: 'nope' }).url,
    );
    expect(Object.fromEntries(unknown)).toMatchObject({
      error: 'invalid_request',
      error_description: 'parameter requested_connection is invalid: no connection nope',
      state: 'link-state',
    });
    const empty = await callbackOf(
      browser,
      linkUrl(main, { id_token_hint: idToken, requested_connection: 'gitlab' }).url,
    );
    expect(empty.get('error_description')).toBe('connection gitlab has no accounts to link');
    const none = await callbackOf(browser, linkUrl(main, { id_token_hint: idToken }).url);
    expect(none.get('error_description')).toBe('requested_connection is required to link accounts');
  });

  it('refuses an expired id_token_hint', async () => {
    const short = await startDevTenant({ config: { idTokenLifetime: 1 } });
    try {
      const [domain] = short.domains as [DevTenantDomain];
      const { browser, idToken } = await signedIn(ALICE, domain);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await callbackOf(
        browser,
        linkUrl(domain, { id_token_hint: idToken, requested_connection: 'google-oauth2' }).url,
      );
      expect(Object.fromEntries(expired)).toMatchObject({
        error: 'invalid_request',
        error_description: 'id_token_hint is expired',
      });
    } finally {
      await short.close();
    }
  });

  it('works on a custom domain, over the same users', async () => {
    const { browser, idToken } = await signedIn(ALICE, custom);
    const link = linkUrl(custom, { id_token_hint: idToken, requested_connection: 'github' });
    const end = await approveAccountLink(browser, {
      startUrl: link.url,
      userId: 'octo-2',
      ...atCallback,
    });
    const tokens = await redeem(
      custom,
      (end.history.at(-1) as URL).searchParams.get('code'),
      link.verifier,
    );
    expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({
      sub: 'auth0|alice',
      iss: custom.issuer,
    });
    expect(decodeJwt(tokens.access_token ?? '').aud).toBe(`${custom.issuer}me/`);
    const seen = await getUser({ tenantUrl: main.url, sub: 'auth0|alice' });
    expect(seen.identities.at(-1)).toMatchObject({ connection: 'github', user_id: 'octo-2' });

    const unlink = linkUrl(custom, {
      id_token_hint: idToken,
      requested_connection: 'github',
      scope: 'openid unlink_account',
    });
    expect((await callbackOf(browser, unlink.url)).get('code')).toEqual(expect.any(String));
    expect((await getUser({ tenantUrl: custom.url, sub: 'auth0|alice' })).identities).toEqual([
      PRIMARY,
    ]);
  });

  it('answers 404 for a user the tenant does not have', async () => {
    await expect(getUser({ tenantUrl: main.url, sub: 'auth0|nobody' })).rejects.toThrow(/404/);
  });
});
