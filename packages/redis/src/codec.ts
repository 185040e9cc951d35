import { Sealer, type SessionData } from '@gatehouse/core';

/**
 * How a session is written into Redis and read back. The stored value names the session id it
 * belongs to, so a value copied from one session's key into another's is refused.
 */
export interface SessionCodec {
  /** The stored form of `session` under `id`, valid until `expiresAt` (seconds since the epoch). */
  encode(id: string, session: SessionData, expiresAt: number): Promise<string>;
  /** The session, or undefined when the value is not one this codec wrote for `id`. */
  decode(id: string, stored: string): Promise<SessionData | undefined>;
}

interface Envelope {
  id: string;
  session: SessionData;
}

/** The purpose sessions at rest are sealed for: keys of their own, apart from cookies. */
export const SEAL_PURPOSE = 'redis-session';

/** core's `Sealer` refuses to unseal more than this, so a larger value could never be read back. */
const MAX_SEALED_LENGTH = 64 * 1024;

/**
 * The sealed value stays valid a minute past its TTL: the Redis TTL is what ends a session, and an
 * app machine whose clock runs ahead of the writer's must not see it end early.
 */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Checks what a session needs to be stored and indexed. core's `ServerStateStore` checks the full
 * shape of what `get` returns; this is the part the backend itself relies on.
 */
export function hasSessionShape(value: unknown): value is SessionData {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SessionData>;
  return (
    typeof candidate.user?.sub === 'string' &&
    typeof candidate.internal?.sid === 'string' &&
    Array.isArray(candidate.tokenSets) &&
    Array.isArray(candidate.connectionTokenSets)
  );
}

function openEnvelope(id: string, value: unknown): SessionData | undefined {
  const envelope = value as Partial<Envelope> | undefined;
  if (typeof envelope !== 'object' || envelope === null || envelope.id !== id) return undefined;
  return hasSessionShape(envelope.session) ? envelope.session : undefined;
}

/** Sessions sealed (encrypted and authenticated) with the app secrets; the first one seals. */
export function sealedCodec(secrets: readonly string[]): SessionCodec {
  const sealer = new Sealer(secrets, SEAL_PURPOSE);
  return {
    async encode(id, session, expiresAt) {
      const envelope: Envelope = { id, session };
      const sealed = await sealer.seal(envelope, expiresAt + CLOCK_SKEW_SECONDS);
      if (sealed.length > MAX_SEALED_LENGTH) {
        // Refused loudly now rather than stored and silently unreadable later.
        throw new RangeError(
          `The sealed session is ${sealed.length} bytes; sealed values above ${MAX_SEALED_LENGTH} ` +
            'bytes cannot be unsealed. Keep fewer token sets in the session.',
        );
      }
      return sealed;
    },
    async decode(id, stored) {
      return openEnvelope(id, await sealer.unseal<Envelope>(stored));
    },
  };
}

/** Sessions as plain JSON: readable by anyone who can read Redis. Not recommended. */
export function plainCodec(): SessionCodec {
  return {
    async encode(id, session) {
      const envelope: Envelope = { id, session };
      return JSON.stringify(envelope);
    },
    async decode(id, stored) {
      try {
        return openEnvelope(id, JSON.parse(stored));
      } catch {
        return undefined;
      }
    },
  };
}
