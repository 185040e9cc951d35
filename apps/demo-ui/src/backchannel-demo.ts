import { randomUUID } from 'node:crypto';
import type { RequestAuth } from '@gatehouse/core/web';
import { type DemoConfig, tenantOrigin } from './config.js';
import type { PageChrome } from './layout.js';
import {
  BACKCHANNEL_USERS,
  type BackchannelView,
  backchannelStartPage,
  backchannelWaitPage,
} from './sign-in-pages.js';

/** A request the demo waits on, under the id of its waiting page. */
interface Waiting {
  authReqId: string;
  userName: string;
  bindingMessage: string;
  interval: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Most requests held at once; the oldest go first (a demo, not a queue). */
const MAX_WAITING = 100;
const MESSAGE = /^[A-Za-z0-9 +_.,:#-]{1,64}$/;

/**
 * The demo's CIBA pages: an agent asks a customer to approve, then a page that polls once per
 * view (and refreshes itself) until the customer approves on their "phone" (the dev tenant's
 * `/ciba` page), denies, or the request expires.
 */
export class BackchannelDemo {
  readonly #waiting = new Map<string, Waiting>();

  constructor(private readonly config: DemoConfig) {}

  start(chrome: PageChrome): string {
    return backchannelStartPage(chrome);
  }

  /** Starts a request; resolves to the id of its waiting page (undefined for a bad form). */
  async ask(auth: RequestAuth, form: Record<string, unknown>): Promise<string | undefined> {
    const user = BACKCHANNEL_USERS.find((candidate) => candidate.sub === form.sub);
    const bindingMessage = typeof form.bindingMessage === 'string' ? form.bindingMessage : '';
    if (!user || !MESSAGE.test(bindingMessage)) return undefined;
    const [api] = this.config.apis;
    const request = await auth.initiateBackchannelAuthentication({
      loginHint: { sub: user.sub },
      bindingMessage,
      ...(api ? { authorizationParams: { audience: api.audience } } : {}),
    });
    const id = randomUUID();
    this.#waiting.set(id, {
      authReqId: request.authReqId,
      userName: user.name,
      bindingMessage,
      interval: request.interval,
      expiresAt: Date.now() + request.expiresIn * 1000,
    });
    for (const [key, waiting] of this.#waiting) {
      if (this.#waiting.size <= MAX_WAITING && waiting.expiresAt > Date.now()) break;
      this.#waiting.delete(key);
    }
    return id;
  }

  /** The waiting page: one poll, then pending (refresh), approved, denied or expired. */
  async wait(auth: RequestAuth, chrome: PageChrome, id: string): Promise<string | undefined> {
    const waiting = this.#waiting.get(id);
    if (!waiting) return undefined;
    const view: BackchannelView = {
      userName: waiting.userName,
      bindingMessage: waiting.bindingMessage,
      state: 'pending',
      refreshSeconds: waiting.interval,
      ...(this.config.devTenant ? { approvalUrl: `${tenantOrigin(this.config.domain)}/ciba` } : {}),
    };
    try {
      const tokens = await auth.backchannelAuthenticationGrant({ authReqId: waiting.authReqId });
      this.#waiting.delete(id);
      Object.assign(view, {
        state: 'approved',
        claims: tokens.claims ?? {},
        ...(tokens.scope ? { scope: tokens.scope } : {}),
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'authorization_pending' || code === 'slow_down') {
        return backchannelWaitPage(chrome, view);
      }
      this.#waiting.delete(id);
      if (code !== 'access_denied' && code !== 'expired_token') throw error;
      view.state = code === 'access_denied' ? 'denied' : 'expired';
    }
    return backchannelWaitPage(chrome, view);
  }
}
