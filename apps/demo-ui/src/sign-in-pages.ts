import { html, type SafeHtml } from './html.js';
import { layout, type PageChrome } from './layout.js';

/**
 * The home page's passwordless card: an email gets a one-time code (or a sign-in link), through
 * the integration's `POST /auth/passwordless/start`, then the code form at `/passwordless`.
 */
export const PASSWORDLESS_CARD: SafeHtml = html`<div class="card" id="passwordless"><h2>Sign in with an email code</h2>
<form method="post" action="/auth/passwordless/start">
<input type="hidden" name="returnTo" value="/profile"><input type="hidden" name="next" value="/passwordless">
<p><input id="passwordless-email" name="email" type="email" placeholder="you@example.com" required>
<label><input type="radio" name="send" value="code" checked> a code</label>
<label><input type="radio" name="send" value="link"> a link</label>
<button id="passwordless-send">Email me</button></p></form>
<p class="muted">No password: the tenant emails a one-time code (or a link that signs you in). A new address is a new user.</p></div>`;

/** Where the code is typed in (after `POST /auth/passwordless/start` sent it). */
export function passwordlessPage(chrome: PageChrome, outboxUrl: string | undefined): string {
  return layout(
    chrome,
    'Enter your code',
    html`<div class="card"><h1>Check your email</h1>
      <p>If you asked for a code, type it here; if you asked for a link, open it.</p>
      <form method="post" action="/auth/passwordless/verify"><p>
        <input id="passwordless-code" name="code" inputmode="numeric" autocomplete="one-time-code" placeholder="123456" required>
        <button id="passwordless-verify">Sign in</button></p></form>
      ${outboxUrl ? html`<p class="muted">The dev tenant sends no email: read the message in <a id="outbox-link" href="${outboxUrl}" target="_blank" rel="noopener">its outbox</a>.</p>` : ''}</div>`,
  );
}

/** A CIBA request the demo waits on. */
export interface BackchannelView {
  /** Whom the request asked. */
  userName: string;
  bindingMessage: string;
  state: 'pending' | 'approved' | 'denied' | 'expired';
  /** Seconds until the page looks again, while pending. */
  refreshSeconds?: number;
  /** The tenant's "phone": where the user approves, in the dev tenant. */
  approvalUrl?: string;
  /** Once approved: the approving user's ID-token claims and the token's scope. */
  claims?: Record<string, unknown>;
  scope?: string;
}

/** The users a call-centre agent may ask (the dev tenant's). */
export const BACKCHANNEL_USERS = [
  { sub: 'auth0|alice', name: 'Alice' },
  { sub: 'auth0|bob', name: 'Bob' },
] as const;

/** The form that asks a user to approve something on their own device (CIBA). */
export function backchannelStartPage(chrome: PageChrome): string {
  return layout(
    chrome,
    'Ask a customer to approve',
    html`<div class="card"><h1>Ask a customer to approve</h1>
      <p>As a call-centre agent: the customer approves on their own device (Client-Initiated Backchannel Authentication), and this app receives a token to act for them.</p>
      <form method="post" action="/ciba"><p>
        <select id="ciba-user" name="sub">${BACKCHANNEL_USERS.map((user) => html`<option value="${user.sub}">${user.name}</option>`)}</select>
        <input id="ciba-message" name="bindingMessage" value="Transfer 4711" maxlength="64" pattern="[A-Za-z0-9 +_.,:#-]{1,64}" required>
        <button id="ciba-ask">Ask to approve</button></p></form></div>`,
  );
}

/** The waiting page: refreshes itself while pending, then says how it ended. */
export function backchannelWaitPage(chrome: PageChrome, view: BackchannelView): string {
  const body =
    view.state === 'pending'
      ? html`<p id="ciba-state">Waiting for ${view.userName} to approve “${view.bindingMessage}”…</p>
        ${view.approvalUrl ? html`<p><a class="button secondary" id="ciba-approval" href="${view.approvalUrl}" target="_blank" rel="noopener">Open ${view.userName}’s phone (the dev tenant)</a></p>` : ''}`
      : view.state === 'approved'
        ? html`<p id="ciba-state">${view.userName} approved “${view.bindingMessage}”.</p>
          <table id="ciba-claims"><tr><th>sub</th><td>${String(view.claims?.sub ?? '')}</td></tr><tr><th>name</th><td>${String(view.claims?.name ?? '')}</td></tr><tr><th>scope</th><td>${view.scope ?? ''}</td></tr></table>`
        : html`<p id="ciba-state">${view.userName} ${view.state === 'denied' ? 'denied' : 'did not answer'} “${view.bindingMessage}”.</p>`;
  const refresh =
    view.state === 'pending' && view.refreshSeconds
      ? html`<meta http-equiv="refresh" content="${view.refreshSeconds}">`
      : '';
  return layout(
    chrome,
    'Waiting for approval',
    html`${refresh}<div class="card"><h1>Customer approval</h1>${body}<p><a href="/ciba">Ask again</a></p></div>`,
  );
}
