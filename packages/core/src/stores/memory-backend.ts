import type { SessionData } from '../session/model.js';
import type { LogoutSelector, SessionBackend } from './types.js';

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** Most sessions kept; past it the oldest is dropped. Default 10,000. */
  maxSessions?: number;
}

/**
 * Sessions in this process's memory: for tests and single-process apps. Bounded, honours TTLs, and
 * hands out copies so callers cannot change stored sessions by accident. Apps on several machines
 * need a shared backend such as Redis.
 */
export class MemoryBackend implements SessionBackend {
  readonly #sessions = new Map<string, { data: SessionData; expiresAt: number }>();
  readonly #max: number;

  constructor(options: MemoryBackendOptions = {}) {
    this.#max = options.maxSessions ?? 10_000;
  }

  /** How many live sessions are stored. */
  get size(): number {
    this.#sweep();
    return this.#sessions.size;
  }

  async get(id: string) {
    const entry = this.#sessions.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return structuredClone(entry.data);
  }

  async set(id: string, data: SessionData, ttlSeconds: number) {
    this.#sessions.delete(id); // re-insert so Map order stays oldest-first
    this.#sessions.set(id, {
      data: structuredClone(data),
      expiresAt: Date.now() + ttlSeconds * 1000,
    });
    if (this.#sessions.size > this.#max) this.#sweep();
    while (this.#sessions.size > this.#max) {
      const oldest = this.#sessions.keys().next().value as string;
      this.#sessions.delete(oldest);
    }
  }

  async delete(id: string) {
    this.#sessions.delete(id);
  }

  async deleteByLogout({ sub, sid }: LogoutSelector) {
    if (sub === undefined && sid === undefined) return 0;
    let deleted = 0;
    for (const [id, { data }] of this.#sessions) {
      const subMatches = sub === undefined || data.user.sub === sub;
      const sidMatches = sid === undefined || data.internal.sid === sid;
      if (subMatches && sidMatches) {
        this.#sessions.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  #sweep() {
    const now = Date.now();
    for (const [id, entry] of this.#sessions) if (entry.expiresAt <= now) this.#sessions.delete(id);
  }
}
