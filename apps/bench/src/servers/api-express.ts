import { requireAccessToken } from '@gatehouse/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { auth as oauth2JwtBearer } from 'express-oauth2-jwt-bearer';
import { rs256Verifier } from './crypto-limit.js';
import { ALICE_SUB, API_PATH, bearerToken, type ServerFactory } from './types.js';

/** Express 5 with no auth at all: the ceiling of the framework. */
export const expressBare: ServerFactory = async () => {
  const app = express();
  app.get(API_PATH, (_req, res) => {
    res.json({ sub: ALICE_SUB });
  });
  return { listener: app };
};

/** Express plus one bare `crypto.verify` per request: the physical limit of any verifier. */
export const expressCryptoVerify: ServerFactory = async ({ issuer }) => {
  const verifySignature = await rs256Verifier(issuer);
  const app = express();
  app.get(API_PATH, (req, res) => {
    const token = bearerToken(req.headers.authorization);
    if (!token || !verifySignature(token)) {
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    res.json({ sub: ALICE_SUB });
  });
  return { listener: app };
};

/**
 * `@gatehouse/express` `requireAccessToken()`, with or without the verified-token cache. Each
 * verifier is mounted on the route itself, as the peer is: an `app.use('/api', ...)` layer would add
 * Express's own prefix matching to every figure but the ceiling's and the limit's.
 */
function gatehouse(verifiedTokens: number): ServerFactory {
  return async ({ issuer }) => {
    const app = express();
    const protect = requireAccessToken({
      domain: issuer.url,
      audience: issuer.audience,
      cache: { verifiedTokens },
    });
    app.get(API_PATH, protect, (req, res) => {
      res.json({ sub: req.accessToken?.claims.sub });
    });
    return { listener: app };
  };
}

export const expressGatehouse = gatehouse(0);
/** Room for every token of the run: the timed requests all carry the same one. */
export const expressGatehouseCached = gatehouse(10_000);

/** What express-oauth2-jwt-bearer's errors carry. */
interface BearerError {
  status?: number;
  code?: string;
  headers?: Record<string, string>;
}

/** Auth0's express-oauth2-jwt-bearer, with its defaults (discovery, remote JWKS through jose). */
export const expressOauth2JwtBearer: ServerFactory = async ({ issuer }) => {
  const app = express();
  const protect = oauth2JwtBearer({ issuerBaseURL: issuer.url, audience: issuer.audience });
  app.get(API_PATH, protect, (req, res) => {
    // Both libraries declare `req.auth` (module augmentation); this server runs only this one.
    const { auth } = req as unknown as { auth?: { payload: { sub?: string } } };
    res.json({ sub: auth?.payload.sub });
  });
  // Its refusals arrive as errors: answer them as its docs suggest, without Express's logging.
  app.use((error: Error & BearerError, _req: Request, res: Response, _next: NextFunction) => {
    res
      .status(error.status ?? 500)
      .set(error.headers ?? {})
      .json({ error: error.code ?? 'error' });
  });
  return { listener: app };
};
