/**
 * Scenario 1: a protected API route with a valid RS256 token, per framework. The ceiling is the
 * bare framework; the physical limit is the bare framework plus one `crypto.verify` of the token;
 * then Gatehouse without and with its verified-token cache, and the peer library. Every server
 * verifies the same token, minted by the local issuer, with the same issuer and audience.
 */
import type { LoadSettings } from '../load.js';
import type { Group, Measurement } from '../report.js';
import { ALICE_SUB, API_PATH } from '../servers/types.js';
import {
  type Candidate,
  type Check,
  checkAll,
  closeAll,
  configureAll,
  getJson,
  listenAll,
  loadAndMeasure,
} from '../support/http-scenario.js';
import type { LocalIssuer, TokenSet } from '../support/issuer.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function accepts(token: string, name: string): Check {
  return {
    name,
    async run(baseUrl) {
      const { status, body } = await getJson(`${baseUrl}${API_PATH}`, bearer(token));
      const sub = (body as { sub?: unknown } | undefined)?.sub;
      if (status !== 200 || sub !== ALICE_SUB) {
        throw new Error(
          `expected 200 with sub ${ALICE_SUB}, got ${status} ${JSON.stringify(body)}`,
        );
      }
    },
  };
}

function refuses(headers: Record<string, string>, name: string): Check {
  return {
    name,
    async run(baseUrl) {
      const { status } = await getJson(`${baseUrl}${API_PATH}`, headers);
      if (status !== 401) throw new Error(`expected 401, got ${status}`);
    },
  };
}

/**
 * What each kind of server must get right before its number counts: the ceiling only answers; the
 * physical limit also refuses a bad signature; a verifier refuses every kind of bad token.
 */
function checksFor(role: Candidate['role'], tokens: TokenSet): Check[] {
  const valid = accepts(tokens.valid, '200 for a valid token');
  if (role === 'ceiling') return [valid];
  const signature = refuses(bearer(tokens.badSignature), '401 for a bad signature');
  const none = refuses({}, '401 without a token');
  if (role === 'limit') return [valid, signature, none];
  return [
    valid,
    signature,
    none,
    refuses(bearer(tokens.wrongAudience), '401 for another audience'),
    refuses(bearer(tokens.expired), '401 for an expired token'),
    refuses(bearer(tokens.wrongIssuer), '401 for another issuer'),
  ];
}

export const EXPRESS_API: Candidate[] = [
  { id: 'express-bare', label: 'Express, no auth (ceiling)', role: 'ceiling' },
  { id: 'express-crypto-verify', label: 'Express + 1 crypto.verify (limit)', role: 'limit' },
  { id: 'express-gatehouse', label: '@gatehouse/express requireAccessToken', role: 'gatehouse' },
  {
    id: 'express-gatehouse-cached',
    label: '@gatehouse/express requireAccessToken + token cache',
    role: 'gatehouse',
  },
  { id: 'express-oauth2-jwt-bearer', label: 'express-oauth2-jwt-bearer', role: 'peer' },
];

export const FASTIFY_API: Candidate[] = [
  { id: 'fastify-bare', label: 'Fastify, no auth (ceiling)', role: 'ceiling' },
  { id: 'fastify-crypto-verify', label: 'Fastify + 1 crypto.verify (limit)', role: 'limit' },
  { id: 'fastify-gatehouse', label: '@gatehouse/fastify requireAccessToken', role: 'gatehouse' },
  {
    id: 'fastify-gatehouse-cached',
    label: '@gatehouse/fastify requireAccessToken + token cache',
    role: 'gatehouse',
  },
  { id: 'fastify-auth0-verify', label: 'fastify-auth0-verify', role: 'peer' },
];

/** Runs one framework's protected-route servers and returns their figures, in list order. */
export async function runApiRoute(
  group: Group,
  candidates: Candidate[],
  issuer: LocalIssuer,
  tokens: TokenSet,
  settings: LoadSettings,
): Promise<Measurement[]> {
  const contestants = await listenAll(candidates);
  try {
    await configureAll(contestants, () => ({ issuer: issuer.info() }));
    await checkAll(contestants, (contestant) => checksFor(contestant.candidate.role, tokens));
    for (const contestant of contestants) {
      contestant.target = {
        url: `${contestant.baseUrl}${API_PATH}`,
        headers: bearer(tokens.valid),
      };
    }
    return await loadAndMeasure(group, contestants, settings);
  } finally {
    await closeAll(contestants);
  }
}
