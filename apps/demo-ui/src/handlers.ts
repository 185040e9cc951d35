import type { RequestAuth } from '@gatehouse/core/web';
import { errorCodeOf, httpStatusOf, publicMessageOf } from '@gatehouse/core/web';
import { decodeJwt } from 'jose';
import { ADMIN_STEP_UP } from './auth-options.js';
import { BackchannelDemo } from './backchannel-demo.js';
import { type DemoConfig, tenantOrigin } from './config.js';
import type { PageChrome } from './layout.js';
import {
  type AccountsView,
  type ApiCallResult,
  accountsPage,
  adminPage,
  errorPage,
  homePage,
  profilePage,
  type TokenView,
  tokensPage,
} from './pages.js';
import { passwordlessPage } from './sign-in-pages.js';

/** A page to send: its status and its HTML. */
export interface RenderedPage {
  status: number;
  html: string;
}

const CONNECTION_NAME = /^[\w.-]{1,64}$/;

/** Reads a JSON answer, or says what came instead, without throwing. */
async function answerOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { error: 'not JSON', body: text.slice(0, 500) };
  }
}

/**
 * The demo's pages as framework-free functions of the request's `auth` object: each app maps its
 * routes onto these, so the Express and Fastify demos behave the same.
 */
export class DemoPages {
  readonly #backchannel: BackchannelDemo;

  constructor(private readonly config: DemoConfig) {
    this.#backchannel = new BackchannelDemo(config);
  }

  async #chrome(auth: RequestAuth | undefined): Promise<PageChrome> {
    // The error page must render even when the session cannot be read.
    const user = await auth?.getUser().catch(() => undefined);
    return {
      appName: this.config.appName,
      ...(user ? { userName: String(user.name ?? user.sub) } : {}),
    };
  }

  async home(auth: RequestAuth): Promise<string> {
    return homePage(await this.#chrome(auth), this.config.devTenant);
  }

  /** The code form of a passwordless sign-in (the dev tenant's outbox linked). */
  async passwordless(auth: RequestAuth): Promise<string> {
    const outbox = this.config.devTenant
      ? `${tenantOrigin(this.config.domain)}/test/outbox`
      : undefined;
    return passwordlessPage(await this.#chrome(auth), outbox);
  }

  /** The agent's form that asks a customer to approve on their device (CIBA). */
  async backchannel(auth: RequestAuth): Promise<string> {
    return this.#backchannel.start(await this.#chrome(auth));
  }

  /** Starts a CIBA request from the form: where its waiting page is, or a refusal page. */
  async askBackchannel(auth: RequestAuth, form: unknown): Promise<string | RenderedPage> {
    const id = await this.#backchannel.ask(auth, (form ?? {}) as Record<string, unknown>);
    if (!id) return this.#refuse(auth, 'invalid_request', 'Choose a user and a short message.');
    return `/ciba/${id}`;
  }

  /** The CIBA waiting page. */
  async backchannelWait(auth: RequestAuth, id: unknown): Promise<RenderedPage> {
    const page =
      typeof id === 'string'
        ? await this.#backchannel.wait(auth, await this.#chrome(auth), id)
        : undefined;
    return page ? { status: 200, html: page } : this.notFound(auth);
  }

  async profile(auth: RequestAuth): Promise<string> {
    const session = await auth.getSession();
    const user: Record<string, unknown> = session?.user ?? {};
    return profilePage(await this.#chrome(auth), {
      user,
      ...(session?.domain ? { domain: session.domain } : {}),
      ...(typeof session?.data?.role === 'string' ? { role: session.data.role } : {}),
      ...(session ? { createdAt: session.createdAt, expiresAt: session.expiresAt } : {}),
      ...(typeof user.session_expiry === 'number' ? { sessionExpiry: user.session_expiry } : {}),
    });
  }

  async #tokens(auth: RequestAuth): Promise<TokenView[]> {
    return Promise.all(
      this.config.apis.map(async (api) => {
        const token = await auth.getAccessToken({ audience: api.audience });
        return {
          api,
          accessToken: token.accessToken,
          tokenType: token.tokenType ?? 'Bearer',
          ...(token.scope ? { scope: token.scope } : {}),
          expiresAt: token.expiresAt,
          claims: decodeJwt(token.accessToken),
        };
      }),
    );
  }

  async admin(auth: RequestAuth): Promise<string> {
    const user = (await auth.getUser()) ?? { sub: '' };
    return adminPage(await this.#chrome(auth), {
      maxAge: ADMIN_STEP_UP.maxAge,
      ...(typeof user.acr === 'string' ? { acr: user.acr } : {}),
      ...(Array.isArray(user.amr) ? { amr: user.amr.map(String) } : {}),
      ...(typeof user.auth_time === 'number' ? { authTime: user.auth_time } : {}),
    });
  }

  async tokens(auth: RequestAuth): Promise<string> {
    return tokensPage(await this.#chrome(auth), await this.#tokens(auth));
  }

  /**
   * Calls the demo API, from the server, with the token of the call's API. The token never goes to
   * the browser's JavaScript, and the API needs no CORS.
   */
  async callApi(auth: RequestAuth, callId: unknown): Promise<RenderedPage> {
    const api = this.config.apis.find((candidate) =>
      candidate.calls.some((call) => call.id === callId),
    );
    const call = api?.calls.find((candidate) => candidate.id === callId);
    if (!api || !call) return this.#refuse(auth, 'unknown_call', 'The demo API has no such call.');
    let result: ApiCallResult;
    try {
      // The token for the call's API, as Bearer or DPoP with a proof, to the API's origin only.
      const response = await auth.fetch(
        new URL(call.path, this.config.apiBaseUrl),
        { method: call.method, signal: AbortSignal.timeout(10_000) },
        { audience: api.audience },
      );
      result = { call, status: response.status, body: await answerOf(response) };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'fetch_failed') throw error;
      result = {
        call,
        status: 502,
        body: { error: `The demo API did not answer at ${this.config.apiBaseUrl}. Is it running?` },
      };
    }
    return {
      status: 200,
      html: tokensPage(await this.#chrome(auth), await this.#tokens(auth), result),
    };
  }

  async accounts(auth: RequestAuth, upstream?: AccountsView['upstream']): Promise<string> {
    const [connections, accounts] = await Promise.all([
      auth.listConnectedAccountConnections(),
      auth.listConnectedAccounts(),
    ]);
    return accountsPage(await this.#chrome(auth), {
      connections: connections.connections,
      accounts: accounts.accounts,
      ...(upstream ? { upstream } : {}),
    });
  }

  async deleteAccount(auth: RequestAuth, id: unknown): Promise<void> {
    if (typeof id === 'string' && id) await auth.deleteConnectedAccount({ connectedAccountId: id });
  }

  /** Gets a Token Vault token for the connection and calls the upstream provider's API with it. */
  async callUpstream(auth: RequestAuth, connection: unknown): Promise<RenderedPage> {
    if (typeof connection !== 'string' || !CONNECTION_NAME.test(connection)) {
      return this.#refuse(auth, 'unknown_connection', 'There is no such connection.');
    }
    const { accessToken } = await auth.getAccessTokenForConnection({ connection });
    const url = this.config.upstreamApiUrl.replace('{connection}', connection);
    let upstream: NonNullable<AccountsView['upstream']>;
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      upstream = { connection, status: response.status, body: await answerOf(response) };
    } catch {
      upstream = { connection, status: 502, body: { error: `No answer from ${url}.` } };
    }
    return { status: 200, html: await this.accounts(auth, upstream) };
  }

  async #refuse(auth: RequestAuth, code: string, message: string): Promise<RenderedPage> {
    return { status: 400, html: errorPage(await this.#chrome(auth), code, message) };
  }

  /**
   * The friendly page for an error: its status and stable code, and a message that is safe to
   * show (a client error's own message, a fixed sentence otherwise; never a stack trace).
   */
  async error(auth: RequestAuth | undefined, error: unknown): Promise<RenderedPage> {
    return {
      status: httpStatusOf(error),
      html: errorPage(await this.#chrome(auth), errorCodeOf(error), publicMessageOf(error)),
    };
  }

  async notFound(auth: RequestAuth | undefined): Promise<RenderedPage> {
    return {
      status: 404,
      html: errorPage(await this.#chrome(auth), 'not_found', 'There is no page here.'),
    };
  }
}
