import type { DemoApi, DemoApiCall } from './config.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageChrome } from './layout.js';
import { PASSWORDLESS_CARD } from './sign-in-pages.js';

const PEOPLE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/**
 * A moment as people read it, e.g. "4 Dec 2026, 15:04 UTC" (the demo cannot know the reader's
 * time zone without script, so it says UTC), in a `<time>` element that keeps the exact value.
 */
export function formatTime(moment: Date): SafeHtml {
  if (Number.isNaN(moment.getTime())) return html`unknown`;
  return html`<time datetime="${moment.toISOString()}">${PEOPLE_TIME.format(moment)} UTC</time>`;
}

const time = (seconds: number | undefined) =>
  seconds === undefined ? html`none` : formatTime(new Date(seconds * 1000));

const claimRows = (claims: Record<string, unknown>) =>
  Object.entries(claims).map(
    ([name, value]) =>
      html`<tr><th>${name}</th><td>${typeof value === 'object' ? JSON.stringify(value) : value}</td></tr>`,
  );

/** The home page: a login button (with the demo users when the tenant is the local one), or a greeting. */
export function homePage(chrome: PageChrome, devTenant: boolean): string {
  const content = chrome.userName
    ? html`<div class="card"><h1>Welcome, ${chrome.userName}</h1><p>You are signed in. See your <a href="/profile">profile</a>, your <a href="/tokens">access tokens</a> , your <a href="/accounts">connected accounts</a>, or, as a call-centre agent, <a href="/ciba" id="ciba-link">ask a customer to approve</a>.</p></div>`
    : html`<div class="card"><h1>Gatehouse demo</h1>${devTenant ? html`<p>Sign in through the local dev tenant as <code>alice@example.com</code> / <code>alice-password</code> (with a <code>session_expiry</code> ceiling) or <code>bob@example.com</code> / <code>bob-password</code>. Alice is a member of the organization Acme; Bob is not.</p>` : html`<p>Sign in through your Auth0 tenant.</p>`}<p><a class="button" href="/auth/login">Log in</a>${devTenant ? html` <a class="button secondary" id="login-acme" href="/auth/login?organization=org_acme">Log in to Acme (organization)</a>` : ''}</p></div>`;
  return layout(
    chrome,
    'Home',
    chrome.userName ? content : html`${content}${PASSWORDLESS_CARD}${PASSKEY_CARD}`,
  );
}

/**
 * The passkey card of the home page: the browser snippet of `@gatehouse/core`'s README (JSON
 * challenge, WebAuthn ceremony, `credential.toJSON()` posted back), no framework.
 */
const PASSKEY_SCRIPT = `
async function passkey(challenge) {
  const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await post('/auth/passkey/challenge', challenge);
  const options = await answer.json();
  if (!answer.ok) throw new Error(options.error_description);
  const credential = challenge.mode === 'signup'
    ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey) })
    : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey) });
  const done = await post('/auth/passkey/login', credential.toJSON());
  const result = await done.json();
  if (!done.ok) throw new Error(result.error_description);
  location.assign(result.returnTo);
}
const shown = (run) => run().catch((error) => { document.getElementById('passkey-error').textContent = error.message; });
document.getElementById('passkey-signup').addEventListener('submit', (event) => {
  event.preventDefault();
  const email = document.getElementById('passkey-email').value;
  const name = document.getElementById('passkey-name').value;
  shown(() => passkey({ mode: 'signup', email, name, returnTo: '/profile' }));
});
document.getElementById('passkey-signin').addEventListener('click', () => shown(() => passkey({ mode: 'login', returnTo: '/profile' })));
`;

const PASSKEY_CARD = html`<div class="card" id="passkeys"><h2>Passkeys</h2>
<form id="passkey-signup"><p><input id="passkey-email" type="email" placeholder="you@example.com" required> <input id="passkey-name" placeholder="Your name"> <button id="passkey-create">Create a passkey</button></p></form>
<p><button class="secondary" id="passkey-signin" type="button">Sign in with a passkey</button></p>
<p class="muted" id="passkey-error" role="alert"></p>
<script>${{ html: PASSKEY_SCRIPT }}</script></div>`;

/** What the profile page shows. */
export interface ProfileView {
  user: Record<string, unknown>;
  /** The tenant domain the session was created on (it differs per app hostname with custom domains). */
  domain?: string;
  /** The role the app's session hook added (`data.role`). */
  role?: string;
  /** When the session began and when it ends at the latest, seconds since the epoch. */
  createdAt?: number;
  expiresAt?: number;
  /** The upstream `session_expiry` ceiling, when the tenant set one. */
  sessionExpiry?: number;
}

export function profilePage(chrome: PageChrome, view: ProfileView): string {
  return layout(
    chrome,
    'Profile',
    html`<div class="card"><h1 id="profile-name">${String(view.user.name ?? view.user.sub)}</h1>
      <table id="session-times">
        <tr><th>Role (added by the app's session hook)</th><td id="session-role">${view.role ?? '–'}</td></tr>
        <tr><th>Signed in through</th><td id="session-domain">${view.domain ?? '–'}</td></tr>
        <tr><th>Signed in</th><td id="session-created">${time(view.createdAt)}</td></tr>
        <tr><th>Session ends at the latest</th><td id="session-ends">${time(view.expiresAt)}</td></tr>
        <tr><th>Upstream ceiling (<code>session_expiry</code>)</th><td id="session-ceiling">${time(view.sessionExpiry)}</td></tr>
      </table></div>
      <div class="card"><h2>Sign out everywhere</h2><p>Ends every session of yours in this app, on every device (after a password change, or a sign-in you do not recognise), then this browser's tenant session.</p>
        <form method="post" action="/sign-out-everywhere"><button class="secondary" id="sign-out-everywhere">Sign out everywhere</button></form></div>
      <div class="card"><h2>Linked accounts</h2><p>Sign in once, with several identities: link another account to this user (the tenant asks which one), or unlink it again.</p>
        <p><a class="button secondary" id="link-google" href="/auth/link?connection=google-oauth2&amp;returnTo=/profile">Link a Google account</a> <a class="button secondary" id="unlink-google" href="/auth/unlink?connection=google-oauth2&amp;returnTo=/profile">Unlink it</a></p></div>
      <div class="card"><h2>ID token claims</h2><table id="claims">${claimRows(view.user)}</table></div>`,
  );
}

/** One API's token on the tokens page. */
export interface TokenView {
  api: DemoApi;
  accessToken: string;
  /** `DPoP` for a token bound to the app's key, else `Bearer`. */
  tokenType: 'DPoP' | 'Bearer';
  scope?: string;
  expiresAt: number;
  /** The token's payload, decoded for display (the API verifies it; the app never needs to). */
  claims: Record<string, unknown>;
}

/** What the demo API answered to one call. */
export interface ApiCallResult {
  call: DemoApiCall;
  status: number;
  body: unknown;
}

/** The thumbprint of the key a DPoP-bound token is bound to (`cnf.jkt`), if it is. */
const jktOf = (claims: Record<string, unknown>) => {
  const jkt = (claims.cnf as { jkt?: unknown } | undefined)?.jkt;
  return typeof jkt === 'string' ? jkt : undefined;
};

/** The tokens page: one card per API, with a button for each call the demo API offers on it. */
export function tokensPage(
  chrome: PageChrome,
  tokens: TokenView[],
  result?: ApiCallResult,
): string {
  const cards = tokens.map(
    (token) => html`<div class="card" data-api="${token.api.name}"><h2>${token.api.audience}</h2>
      <p class="muted">scope: ${token.scope ?? '(none)'} · expires ${time(token.expiresAt)}</p>
      <p>Token type: <strong class="token-type">${token.tokenType}</strong>${jktOf(token.claims) ? html` · bound to key <code class="token-jkt">${jktOf(token.claims)}</code> (<code>cnf.jkt</code>)` : ''}</p>
      <p><code class="token">${token.accessToken.slice(0, 48)}…</code></p>
      <pre>${JSON.stringify(token.claims, null, 2)}</pre>
      <form method="post" action="/tokens/call">${token.api.calls.map(
        (call) =>
          html`<button name="call" value="${call.id}" id="call-${call.id}">${call.method} ${call.path}<br><small>${call.label}</small></button> `,
      )}</form></div>`,
  );
  const answer = result
    ? html`<div class="card${result.status >= 400 ? ' error' : ''}" id="api-result"><h2>${result.call.method} ${result.call.path} answered <span id="api-status">${result.status}</span></h2><pre>${JSON.stringify(result.body, null, 2)}</pre></div>`
    : html``;
  return layout(
    chrome,
    'Tokens',
    html`<h1>Access tokens</h1><p class="muted">The app keeps these on the server and calls the demo API with them; the browser only sees what is shown here.</p>${answer}${cards}`,
  );
}

/** What the connected accounts page shows. */
export interface AccountsView {
  connections: Array<{ name: string; scopes?: string[] }>;
  accounts: Array<{ id: string; connection: string; scopes?: string[]; created_at: string }>;
  upstream?: { connection: string; status: number; body: unknown };
}

export function accountsPage(chrome: PageChrome, view: AccountsView): string {
  const connections = view.connections.map(
    (
      connection,
    ) => html`<tr><th>${connection.name}</th><td>${(connection.scopes ?? []).join(' ')}</td>
      <td><a class="button" id="connect-${connection.name}" href="/auth/connect?connection=${encodeURIComponent(connection.name)}&returnTo=%2Faccounts">Connect</a></td></tr>`,
  );
  const accounts = view.accounts.length
    ? view.accounts.map(
        (
          account,
        ) => html`<tr data-account="${account.id}"><th>${account.connection}</th><td>${(account.scopes ?? []).join(' ')}<br><span class="muted">since ${formatTime(new Date(account.created_at))}</span></td>
          <td><form class="inline" method="post" action="/accounts/upstream"><input type="hidden" name="connection" value="${account.connection}"><button id="upstream-${account.connection}">Call upstream API</button></form>
          <form class="inline" method="post" action="/accounts/delete"><input type="hidden" name="id" value="${account.id}"><button class="secondary" id="delete-${account.connection}">Delete</button></form></td></tr>`,
      )
    : [html`<tr><td class="muted" id="no-accounts">No connected accounts yet.</td></tr>`];
  const upstream = view.upstream
    ? html`<div class="card" id="upstream-result"><h2>${view.upstream.connection} API answered ${view.upstream.status}</h2><pre>${JSON.stringify(view.upstream.body, null, 2)}</pre></div>`
    : html``;
  return layout(
    chrome,
    'Connected accounts',
    html`${upstream}<div class="card"><h1>Connected accounts</h1><table id="accounts">${accounts}</table></div>
      <div class="card"><h2>Available connections</h2><table id="connections">${connections}</table></div>`,
  );
}

/** A friendly error page. `code` and `message` are escaped like everything else. */
export function errorPage(chrome: PageChrome, code: string, message: string): string {
  return layout(
    chrome,
    'Something went wrong',
    html`<div class="card error"><h1>Something went wrong</h1><p id="error-message">${message}</p><p class="muted">Error code: <code id="error-code">${code}</code></p><p><a class="button" href="/">Back home</a></p></div>`,
  );
}

export type { SafeHtml };

/** What the admin page shows: how the user proved who they are, and when. */
export interface AdminView {
  /** `acr`: the authentication context class, e.g. the multi-factor policy. */
  acr?: string;
  /** `amr`: the methods used, e.g. `["mfa"]`. */
  amr?: string[];
  /** `auth_time`, seconds since the epoch. */
  authTime?: number;
  /** How recent, in seconds, the page wants the multi-factor sign-in. */
  maxAge: number;
}

/** The admin page: only reached after a recent multi-factor sign-in (step-up). */
export function adminPage(chrome: PageChrome, view: AdminView): string {
  return layout(
    chrome,
    'Admin',
    html`<div class="card"><h1 id="admin-title">Admin</h1>
      <p>This page needs a multi-factor sign-in from the last ${String(Math.round(view.maxAge / 60))} minutes: the app sent you through the tenant's second factor, and will again once it is older.</p>
      <table id="step-up">
        <tr><th><code>acr</code></th><td id="admin-acr">${view.acr ?? '–'}</td></tr>
        <tr><th><code>amr</code></th><td id="admin-amr">${view.amr?.join(', ') ?? '–'}</td></tr>
        <tr><th>Signed in</th><td id="admin-auth-time">${time(view.authTime)}</td></tr>
      </table></div>`,
  );
}
