/**
 * Scenario 2: a page that reads the session, on Express and on Fastify. The ceiling answers with a
 * fixed user; the others read Alice from the session cookie that a real login against the dev
 * tenant gave (each app logs in through its own routes, the tenant's login form and its own
 * callback), so the cookie each library reads is one its own code sealed. `@fastify/secure-session`
 * has no login: it is given the claims the Gatehouse Fastify cookie page showed after its login.
 */
import { DEMO_CLIENT_SECRET, type DevClientConfig, startDevTenant } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import type { LoadSettings } from '../load.js';
import type { Group, Measurement } from '../report.js';
import { SESSION_PATH } from '../servers/types.js';
import {
  type Candidate,
  type Check,
  type Contestant,
  checkAll,
  closeAll,
  configureAll,
  getJson,
  listenAll,
  loadAndMeasure,
} from '../support/http-scenario.js';
import type { LocalIssuer } from '../support/issuer.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
/** The one secret every session library seals with. */
const SESSION_SECRET = 'gatehouse-bench-session-secret-at-least-32-characters';

/** How each library logs in, and which of the app's cookies hold the session. */
interface LoginRoute {
  login: string;
  callback: string;
  cookiePrefix: string;
}

const LOGIN: Partial<Record<Candidate['id'], LoginRoute>> = {
  'session-gatehouse-cookie': {
    login: '/auth/login',
    callback: '/auth/callback',
    cookiePrefix: 'gatehouse.session',
  },
  'session-gatehouse-redis': {
    login: '/auth/login',
    callback: '/auth/callback',
    cookiePrefix: 'gatehouse.sid',
  },
  'session-gatehouse-redis-cluster': {
    login: '/auth/login',
    callback: '/auth/callback',
    cookiePrefix: 'gatehouse.sid',
  },
  'session-express-openid-connect': {
    login: '/login',
    callback: '/callback',
    cookiePrefix: 'appSession',
  },
  'session-auth0-server-js': {
    login: '/login',
    callback: '/callback',
    cookiePrefix: '__a0_session',
  },
  'session-fastify-gatehouse-cookie': {
    login: '/auth/login',
    callback: '/auth/callback',
    cookiePrefix: 'gatehouse.session',
  },
  'session-fastify-gatehouse-redis': {
    login: '/auth/login',
    callback: '/auth/callback',
    cookiePrefix: 'gatehouse.sid',
  },
};

/** Servers that store the claims they are posted instead of logging in (the session floor). */
const SEEDED: Partial<Record<Candidate['id'], { from: Candidate['id']; cookiePrefix: string }>> = {
  'session-fastify-secure-session': {
    from: 'session-fastify-gatehouse-cookie',
    cookiePrefix: 'secure-session',
  },
};

export const SESSION_PAGES: Candidate[] = [
  { id: 'session-express-bare', label: 'Express, fixed user (ceiling)', role: 'ceiling' },
  {
    id: 'session-gatehouse-cookie',
    label: '@gatehouse/express auth(), cookie session',
    role: 'gatehouse',
  },
  {
    id: 'session-gatehouse-redis',
    label: '@gatehouse/express auth(), Redis session',
    role: 'gatehouse',
  },
  {
    id: 'session-gatehouse-redis-cluster',
    label: '@gatehouse/express auth(), Redis Cluster session',
    role: 'gatehouse',
  },
  {
    id: 'session-express-openid-connect',
    label: 'express-openid-connect',
    role: 'peer',
  },
  {
    id: 'session-auth0-server-js',
    label: '@auth0/auth0-server-js, stateless (cookie) store',
    role: 'info',
  },
];

export const SESSION_PAGES_FASTIFY: Candidate[] = [
  { id: 'session-fastify-bare', label: 'Fastify, fixed user (ceiling)', role: 'ceiling' },
  {
    id: 'session-fastify-gatehouse-cookie',
    label: '@gatehouse/fastify gatehouse, cookie session',
    role: 'gatehouse',
  },
  {
    id: 'session-fastify-gatehouse-redis',
    label: '@gatehouse/fastify gatehouse, Redis session',
    role: 'gatehouse',
  },
  {
    id: 'session-fastify-secure-session',
    label: '@fastify/secure-session, the same claims (floor of a cookie session)',
    role: 'peer',
  },
];

function showsAlice(cookie: string | undefined): Check {
  return {
    name: cookie === undefined ? 'page shows the user' : 'page shows the user of the session',
    async run(baseUrl) {
      const { status, body } = await getJson(`${baseUrl}${SESSION_PATH}`, cookie ? { cookie } : {});
      const email = (body as { user?: { email?: unknown } } | undefined)?.user?.email;
      if (status !== 200 || email !== ALICE.email) {
        throw new Error(
          `expected 200 showing ${ALICE.email}, got ${status} ${JSON.stringify(body)}`,
        );
      }
    },
  };
}

function showsNobody(cookie: string | undefined, name: string): Check {
  return {
    name,
    async run(baseUrl) {
      const { status, body } = await getJson(`${baseUrl}${SESSION_PATH}`, cookie ? { cookie } : {});
      if (status !== 200 || (body as { user?: unknown }).user !== null) {
        throw new Error(`expected 200 with no user, got ${status} ${JSON.stringify(body)}`);
      }
    },
  };
}

/** Changes one character in the middle of each cookie value. */
function tampered(cookie: string): string {
  return cookie
    .split('; ')
    .map((pair) => {
      const at = pair.indexOf('=') + Math.floor((pair.length - pair.indexOf('=')) / 2);
      return `${pair.slice(0, at)}${pair[at] === 'x' ? 'y' : 'x'}${pair.slice(at + 1)}`;
    })
    .join('; ');
}

/** The `Cookie` header of the app's session cookies in `browser`'s jar. */
function sessionCookies(browser: BrowserClient, contestant: Contestant, prefix: string): string {
  // The jar is per host, and the tenant shares 127.0.0.1: keep only the app's session cookies.
  const page = new URL(`${contestant.baseUrl}${SESSION_PATH}`);
  const pairs = browser.cookies
    .names(page)
    .filter((name) => name.startsWith(prefix))
    .map((name) => `${name}=${browser.cookies.get(page, name)}`);
  if (pairs.length === 0) throw new Error(`no ${prefix} cookie after the login`);
  return pairs.join('; ');
}

/** Logs Alice in through the app's own login route; returns the app's session cookies. */
async function logIn(contestant: Contestant, route: LoginRoute): Promise<string> {
  const browser = new BrowserClient();
  await loginAs(browser, { startUrl: `${contestant.baseUrl}${route.login}`, ...ALICE });
  return sessionCookies(browser, contestant, route.cookiePrefix);
}

/** Stores `claims` in a seeded server's session; returns its session cookie. */
async function seed(contestant: Contestant, claims: unknown, prefix: string): Promise<string> {
  const response = await fetch(`${contestant.baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(claims),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';', 1)[0] as string)
    .filter((pair) => pair.startsWith(prefix))
    .join('; ');
  if (!response.ok || !cookie) throw new Error(`seeding failed: ${response.status}`);
  return cookie;
}

/** Page reads sent one after the other to count the Redis commands each costs. */
const COUNTED_READS = 50;

/**
 * The Redis commands one page read costs (each a round trip: the backend sends none in
 * parallel on a read): the server's command counter around {@link COUNTED_READS} reads.
 */
async function redisCommandsPerRead(contestant: Contestant, cookie: string) {
  const before = await contestant.child.call<number | null>('redisCommands');
  if (before === null) return undefined;
  for (let n = 0; n < COUNTED_READS; n++) {
    await getJson(`${contestant.baseUrl}${SESSION_PATH}`, { cookie });
  }
  const after = await contestant.child.call<number>('redisCommands');
  return (after - before) / COUNTED_READS;
}

export async function runSessionPage(
  group: Extract<Group, 'session' | 'session-fastify'>,
  issuer: LocalIssuer,
  settings: LoadSettings,
  redisUrl: string,
  redisClusterNodes: string[],
): Promise<Measurement[]> {
  const contestants = await listenAll(group === 'session' ? SESSION_PAGES : SESSION_PAGES_FASTIFY);
  // Each app is registered at the tenant as its own client, with its real callback URL.
  const clients: DevClientConfig[] = contestants.flatMap((contestant) => {
    const route = LOGIN[contestant.candidate.id];
    if (!route) return [];
    return [
      {
        clientId: `bench-${contestant.candidate.id}`,
        clientSecret: DEMO_CLIENT_SECRET,
        redirectUris: [`${contestant.baseUrl}${route.callback}`],
        allowedLogoutUrls: [`${contestant.baseUrl}/`],
      },
    ];
  });
  const tenant = await startDevTenant({ config: { clients } });
  try {
    await configureAll(contestants, (contestant) => ({
      issuer: issuer.info(),
      tenant: {
        url: tenant.url,
        clientId: `bench-${contestant.candidate.id}`,
        clientSecret: DEMO_CLIENT_SECRET,
      },
      redisUrl,
      redisClusterNodes,
      secret: SESSION_SECRET,
    }));
    const cookies = new Map<Contestant, string>();
    for (const contestant of contestants) {
      const route = LOGIN[contestant.candidate.id];
      if (!route || contestant.failure) continue;
      try {
        cookies.set(contestant, await logIn(contestant, route));
      } catch (error) {
        contestant.failure = `login through the dev tenant failed: ${(error as Error).message}`;
      }
    }
    for (const contestant of contestants) {
      const seeded = SEEDED[contestant.candidate.id];
      if (!seeded || contestant.failure) continue;
      const source = contestants.find((other) => other.candidate.id === seeded.from);
      const sourceCookie = source && cookies.get(source);
      try {
        if (!source || !sourceCookie) throw new Error(`${seeded.from} has no session`);
        const { body } = await getJson(`${source.baseUrl}${SESSION_PATH}`, {
          cookie: sourceCookie,
        });
        const claims = (body as { user?: unknown }).user;
        cookies.set(contestant, await seed(contestant, claims, seeded.cookiePrefix));
      } catch (error) {
        contestant.failure = `seeding the session failed: ${(error as Error).message}`;
      }
    }
    await checkAll(contestants, (contestant) => {
      const cookie = cookies.get(contestant);
      if (!cookie) return [showsAlice(undefined)];
      return [
        showsAlice(cookie),
        showsNobody(undefined, 'no user without a cookie'),
        showsNobody(tampered(cookie), 'no user with a tampered cookie'),
      ];
    });
    const commands = new Map<string, number>();
    for (const contestant of contestants) {
      const cookie = cookies.get(contestant);
      if (cookie && !contestant.failure) {
        const perRead = await redisCommandsPerRead(contestant, cookie);
        if (perRead !== undefined) commands.set(contestant.candidate.id, perRead);
      }
      contestant.target = {
        url: `${contestant.baseUrl}${SESSION_PATH}`,
        headers: cookie ? { cookie } : {},
      };
    }
    const measurements = await loadAndMeasure(group, contestants, settings);
    for (const m of measurements) {
      const perRead = commands.get(m.id);
      if (perRead !== undefined) m.details = { ...m.details, redisCommandsPerRequest: perRead };
      const cookie = [...cookies].find(([contestant]) => contestant.candidate.id === m.id)?.[1];
      // What the browser sends on every request: the session's `Cookie` header, in bytes.
      if (cookie) m.details = { ...m.details, cookieBytes: Buffer.byteLength(cookie) };
    }
    return measurements;
  } finally {
    await closeAll(contestants);
    await tenant.close();
  }
}
