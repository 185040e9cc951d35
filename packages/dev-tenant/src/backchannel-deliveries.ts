/**
 * Back-channel logout deliveries, redelivered as Auth0 does: a logout token the app did not take
 * (an answer other than 200/204, or a network error) is posted again, the same token, after a
 * growing wait, up to a bounded number of attempts. An app that answers 503 during an outage (and
 * does not use the token up) thus ends the sessions once it is back, instead of losing the logout.
 */

/** How failed back-channel logouts are redelivered: `backchannelLogout` of the tenant config. */
export interface BackchannelLogoutConfig {
  /** Most deliveries of one logout token, the first included. 1 turns redelivery off. Default 5. */
  maxAttempts?: number;
  /** Wait before the first redelivery, in milliseconds; each next one waits twice as long. Default 1000. */
  retryDelayMs?: number;
  /** Longest wait between two deliveries, in milliseconds. Default 30000. */
  maxRetryDelayMs?: number;
}

export type ResolvedBackchannelLogoutConfig = Required<BackchannelLogoutConfig>;

export const DEFAULT_BACKCHANNEL_LOGOUT: ResolvedBackchannelLogoutConfig = {
  maxAttempts: 5,
  retryDelayMs: 1000,
  maxRetryDelayMs: 30_000,
};

/** Bounds of each option: an integer count, delays up to an hour. */
const LIMITS = {
  maxAttempts: { min: 1, max: 100, integer: true },
  retryDelayMs: { min: 0, max: 3_600_000, integer: false },
  maxRetryDelayMs: { min: 0, max: 3_600_000, integer: false },
} as const;

/**
 * Checks `backchannelLogout` and applies the defaults. A mistake throws a `TypeError` naming the
 * field, at `startDevTenant`, rather than redeliveries that silently never happen.
 */
export function resolveBackchannelLogout(value: unknown): ResolvedBackchannelLogoutConfig {
  if (value === undefined) return { ...DEFAULT_BACKCHANNEL_LOGOUT };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('dev tenant: backchannelLogout must be an object');
  }
  const resolved = { ...DEFAULT_BACKCHANNEL_LOGOUT };
  for (const [key, option] of Object.entries(value)) {
    if (!Object.hasOwn(LIMITS, key)) {
      throw new TypeError(
        `dev tenant: backchannelLogout.${key} is not an option (${Object.keys(LIMITS).join(', ')})`,
      );
    }
    const { min, max, integer } = LIMITS[key as keyof typeof LIMITS];
    if (
      typeof option !== 'number' ||
      !Number.isFinite(option) ||
      option < min ||
      option > max ||
      (integer && !Number.isInteger(option))
    ) {
      const kind = integer ? 'an integer' : 'a number';
      throw new TypeError(
        `dev tenant: backchannelLogout.${key} must be ${kind} from ${min} to ${max}`,
      );
    }
    resolved[key as keyof typeof LIMITS] = option;
  }
  return resolved;
}

/** One attempt at a delivery: when (ms since the epoch), and the status or the network error. */
export interface BackchannelAttempt {
  at: number;
  status?: number;
  error?: string;
}

/** One logout token sent to one app, and every attempt to deliver it. */
export interface BackchannelDelivery {
  /** The app's back-channel logout URI. */
  url: string;
  clientId?: string;
  sub?: string;
  sid?: string;
  /** `pending` while attempts remain, `delivered` once taken, `failed` when out of attempts. */
  state: 'pending' | 'delivered' | 'failed';
  attempts: BackchannelAttempt[];
}

/** oidc-provider's outgoing request: a `fetch` with its options. */
type Fetch = (url: string | URL | Request, init: RequestInit) => Promise<Response>;

/** The claims of a logout token a delivery is listed with; unreadable ones are left out. */
function logoutTokenClaims(
  token: string | null,
): Pick<BackchannelDelivery, 'clientId' | 'sub' | 'sid'> {
  try {
    const payload = JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString());
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const claims = { clientId: text(payload.aud), sub: text(payload.sub), sid: text(payload.sid) };
    return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  } catch {
    return {};
  }
}

/** How long one redelivery may take, as the provider's own requests (2.5 s) and a little more. */
const REDELIVERY_TIMEOUT_MS = 5000;

/** Whether an app took the logout token (OpenID Connect Back-Channel Logout 1.0 §2.8). */
const taken = (status: number) => status === 200 || status === 204;

/**
 * Sends back-channel logouts for the provider and redelivers those that failed. The first attempt
 * is the provider's own request (its answer still tells the provider, and `POST
 * /test/users/{sub}/logout`, whether the logout was taken); redeliveries run in the background.
 */
export class BackchannelDeliveries {
  readonly #deliveries: BackchannelDelivery[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(
    private readonly config: ResolvedBackchannelLogoutConfig,
    private readonly send: Fetch = globalThis.fetch,
  ) {}

  /** Whether an outgoing request of the provider is a back-channel logout. */
  static isLogout(init: RequestInit | undefined): boolean {
    return (
      init?.method === 'POST' &&
      init.body instanceof URLSearchParams &&
      init.body.has('logout_token')
    );
  }

  /** Delivers a logout token (the provider's request), and schedules redeliveries if it fails. */
  async deliver(url: string | URL | Request, init: RequestInit): Promise<Response> {
    const body = String(init.body);
    const delivery: BackchannelDelivery = {
      url: url instanceof Request ? url.url : String(url),
      ...logoutTokenClaims(new URLSearchParams(body).get('logout_token')),
      state: 'pending',
      attempts: [],
    };
    this.#deliveries.push(delivery);
    // The provider's request carries its own timeout signal, which has fired by the time of a
    // redelivery: each redelivery gets a fresh one.
    const { signal: _signal, ...options } = init;
    const request = () =>
      this.send(url, { ...options, body, signal: AbortSignal.timeout(REDELIVERY_TIMEOUT_MS) });
    try {
      const response = await this.send(url, { ...init, body });
      this.#settle(delivery, { at: Date.now(), status: response.status }, request);
      return response;
    } catch (error) {
      this.#settle(delivery, { at: Date.now(), error: (error as Error).message }, request);
      throw error;
    }
  }

  /** Every delivery so far, oldest first (copies). */
  list(): BackchannelDelivery[] {
    return structuredClone(this.#deliveries);
  }

  /** Stops redelivering: pending deliveries stay `pending`. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #settle(
    delivery: BackchannelDelivery,
    attempt: BackchannelAttempt,
    request: () => Promise<Response>,
  ) {
    delivery.attempts.push(attempt);
    if (attempt.status !== undefined && taken(attempt.status)) {
      delivery.state = 'delivered';
      return;
    }
    const count = delivery.attempts.length;
    if (count >= this.config.maxAttempts) {
      delivery.state = 'failed';
      console.warn(
        `dev tenant: back-channel logout to ${delivery.url} not taken after ${count} attempts`,
      );
      return;
    }
    if (this.#closed) return;
    const wait = Math.min(this.config.retryDelayMs * 2 ** (count - 1), this.config.maxRetryDelayMs);
    const timer = setTimeout(async () => {
      this.#timers.delete(timer);
      let next: BackchannelAttempt;
      try {
        const response = await request();
        await response.body?.cancel();
        next = { at: Date.now(), status: response.status };
      } catch (error) {
        next = { at: Date.now(), error: (error as Error).message };
      }
      if (!this.#closed) this.#settle(delivery, next, request);
    }, wait);
    // Redeliveries never keep a process alive on their own.
    timer.unref();
    this.#timers.add(timer);
  }
}
