import { CookieStore } from './cookie-store.js';
import { type HtmlForm, parseForms } from './forms.js';

/** Where a navigation ended. */
export interface NavigationResult {
  /** The last response, already read into `body`. */
  response: Response;
  /** The URL of the last response. */
  url: URL;
  /** The body of the last response. */
  body: string;
  /** Every URL requested on the way, in order. */
  history: URL[];
}

/** Options of {@link BrowserClient.navigate}. */
export interface NavigateOptions {
  method?: string;
  /** Form fields to send as `application/x-www-form-urlencoded`. */
  form?: URLSearchParams | Record<string, string>;
  /** A value to send as `application/json` (a `fetch()` of the page's script). */
  json?: unknown;
  headers?: Record<string, string>;
  /** Stop before requesting a URL for which this returns true (e.g. an app's callback). */
  stopBefore?: (url: URL) => boolean;
  /** Most redirects and auto-submitted forms to follow. Default 20. */
  maxHops?: number;
}

/**
 * An HTTP client that behaves like a browser without JavaScript, for tests of real login flows:
 * it keeps cookies per host, follows redirects (303 and 302 after POST become GET), and submits
 * forms marked `data-autosubmit` (or submitted by a `document.forms[0].submit()` script) as a browser
 * would. Every request goes over real HTTP.
 */
export class BrowserClient {
  readonly cookies = new CookieStore();

  /** One request, no redirect followed; cookies sent and stored. */
  async request(url: string | URL, init: NavigateOptions = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookies.headerFor(target);
    if (cookie) headers.set('cookie', cookie);
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set('content-type', 'application/json');
    }
    const response = await fetch(target, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const value of response.headers.getSetCookie()) this.cookies.store(target, value);
    return response;
  }

  /** Requests `url` and follows redirects and auto-submitted forms until a page stays put. */
  async navigate(url: string | URL, options: NavigateOptions = {}): Promise<NavigationResult> {
    const { maxHops = 20, stopBefore } = options;
    const history: URL[] = [];
    let current = new URL(url);
    let init: NavigateOptions = options;
    for (let hop = 0; hop <= maxHops; hop += 1) {
      history.push(current);
      const response = await this.request(current, init);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current);
        const keepMethod = response.status === 307 || response.status === 308;
        init = keepMethod ? { ...init, headers: options.headers } : { headers: options.headers };
        if (stopBefore?.(next)) {
          return {
            response,
            url: current,
            body: await response.text(),
            history: [...history, next],
          };
        }
        current = next;
        continue;
      }
      const body = await response.text();
      const forms = parseForms(body, current);
      // Pages that submit their first form from a script (oidc-provider's own, the tenant's
      // logout page) behave here as in a browser.
      const scripted = /document\.forms\[0\]\.submit\(\)/.test(body) ? forms[0] : undefined;
      const autoForm = forms.find((form) => form.autosubmit) ?? scripted;
      if (!autoForm) return { response, url: current, body, history };
      current = autoForm.action;
      init = { method: autoForm.method, form: autoForm.fields, headers: options.headers };
    }
    throw new Error(`navigation from ${url} did not settle within ${maxHops} hops`);
  }

  /** Submits a form found on a page, with some fields filled in or replaced. */
  submit(form: HtmlForm, values: Record<string, string> = {}, options: NavigateOptions = {}) {
    const fields = new URLSearchParams(form.fields);
    for (const [name, value] of Object.entries(values)) fields.set(name, value);
    if (form.method === 'GET') {
      const target = new URL(form.action);
      target.search = fields.toString();
      return this.navigate(target, options);
    }
    return this.navigate(form.action, { ...options, method: form.method, form: fields });
  }
}
