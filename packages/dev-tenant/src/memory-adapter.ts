import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

/**
 * The tenant's storage: one Map for every model oidc-provider persists (sessions, grants, codes,
 * tokens), honouring each entry's TTL. It lives as long as the tenant, so it survives the provider
 * being rebuilt when keys rotate.
 */
export class TenantStorage {
  readonly #entries = new Map<string, Entry>();

  /** oidc-provider's `adapter` option: a factory of per-model adapters over this storage. */
  readonly adapterFactory = (model: string): Adapter => new ModelAdapter(model, this);

  get(model: string, id: string): AdapterPayload | undefined {
    const key = `${model}:${id}`;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(model: string, id: string, payload: AdapterPayload, expiresIn?: number): void {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
    this.#entries.set(`${model}:${id}`, { payload, expiresAt });
  }

  /** Replaces a stored payload and keeps its expiry. */
  replace(model: string, id: string, payload: AdapterPayload): void {
    const entry = this.#entries.get(`${model}:${id}`);
    if (entry) entry.payload = payload;
  }

  delete(model: string, id: string): void {
    this.#entries.delete(`${model}:${id}`);
  }

  /** Every live payload of one model, e.g. all sessions. */
  *all(model: string): Generator<[string, AdapterPayload]> {
    for (const key of [...this.#entries.keys()]) {
      if (!key.startsWith(`${model}:`)) continue;
      const id = key.slice(model.length + 1);
      const payload = this.get(model, id);
      if (payload) yield [id, payload];
    }
  }
}

class ModelAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly storage: TenantStorage,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    this.storage.set(this.model, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.storage.get(this.model, id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    for (const [, payload] of this.storage.all(this.model)) {
      if (payload.userCode === userCode) return payload;
    }
    return undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [, payload] of this.storage.all(this.model)) {
      if (payload.uid === uid) return payload;
    }
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.storage.get(this.model, id);
    if (payload) this.storage.replace(this.model, id, { ...payload, consumed: Date.now() / 1000 });
  }

  async destroy(id: string): Promise<void> {
    this.storage.delete(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, payload] of this.storage.all(this.model)) {
      if (payload.grantId === grantId) this.storage.delete(this.model, id);
    }
  }
}
