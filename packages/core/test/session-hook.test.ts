/**
 * The `beforeSessionSaved` hook against the dev tenant, through a node:http app: the app's data
 * in the session, surviving (and re-derived at) a refresh; claims it drops are not in the cookie;
 * a hook that throws leaves no session and no cookie.
 */
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { describe, expect, it } from 'vitest';
import type { BeforeSessionSaved } from '../src/index.js';
import { errorCode, startTestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const ROLES: Record<string, string> = { 'auth0|alice': 'admin' };

async function signedIn(hook?: BeforeSessionSaved) {
  const app = await startTestApp(hook ? { beforeSessionSaved: hook } : {});
  const browser = new BrowserClient();
  const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
  const session = async () =>
    JSON.parse((await browser.navigate(`${app.url}/session`)).body).session;
  // The app's own session cookies (the tenant's share the host: cookies ignore ports).
  const appCookies = () =>
    browser.cookies.names(app.url).filter((name) => name.startsWith('gatehouse'));
  const cookieBytes = () =>
    appCookies().reduce((sum, name) => sum + (browser.cookies.get(app.url, name)?.length ?? 0), 0);
  return { app, browser, end, session, cookieBytes, appCookies };
}

describe('beforeSessionSaved', () => {
  it('adds the app’s data and drops claims: in the session, and the cookie is smaller', async () => {
    const plain = await signedIn();
    const shaped = await signedIn(({ user, data }) => {
      // Keep what the app uses; the rest only costs cookie bytes on every request.
      const { sub, name, email, sid, iss, aud, exp, iat, auth_time } = user;
      const kept = { sub, name, email, sid, iss, aud, exp, iat, auth_time };
      return { user: kept, data: { ...data, role: ROLES[user.sub] } };
    });
    try {
      const session = await shaped.session();
      expect(session.data).toEqual({ role: 'admin' });
      expect(session.user.sub).toBe('auth0|alice');
      expect(session.user).not.toHaveProperty('nickname');
      expect((await plain.session()).user).toHaveProperty('nickname');
      // The compact format deflates the user with the ID token, which repeats the dropped claims:
      // dropping them saves little now, but never costs bytes (AES pads to 16-byte blocks).
      expect(shaped.cookieBytes()).toBeLessThanOrEqual(plain.cookieBytes());
    } finally {
      await plain.app.close();
      await shaped.app.close();
    }
  });

  it('runs again when a refresh brings a new ID token; the data survives', async () => {
    const triggers: string[] = [];
    const { app, browser, session } = await signedIn(({ user, data }, { trigger }) => {
      triggers.push(trigger);
      return {
        user,
        data: {
          role: ROLES[user.sub],
          refreshes: Number(data.refreshes ?? 0) + (trigger === 'refresh' ? 1 : 0),
        },
      };
    });
    try {
      await browser.navigate(`${app.url}/token?forceRefresh`);
      expect(triggers).toEqual(['login', 'refresh']);
      expect((await session()).data).toEqual({ role: 'admin', refreshes: 1 });
    } finally {
      await app.close();
    }
  });

  it('that throws refuses the login: the error page, no session, no session cookie', async () => {
    const { app, browser, end, appCookies } = await signedIn(() => {
      throw new Error('Alice is not allowed in this app');
    });
    try {
      expect(errorCode(end.body)).toBe('session_refused');
      expect(end.body).not.toContain('Alice is not allowed');
      expect(appCookies()).toEqual([]);
      expect(JSON.parse((await browser.navigate(`${app.url}/me`)).body).user).toBeNull();
    } finally {
      await app.close();
    }
  });
});
