import type { BrowserClient, NavigateOptions, NavigationResult } from './browser-client.js';
import { parseForms } from './forms.js';

/** Options of {@link loginAs}. */
export interface LoginAsOptions extends Pick<NavigateOptions, 'stopBefore' | 'headers'> {
  /** Where the login starts: an app's login route, or a tenant `/authorize` URL. */
  startUrl: string | URL;
  email: string;
  password: string;
  /**
   * The second factor's code, asked for when the tenant shows its code form: after the password
   * when the login needs one (the user has an authenticator app, `acr_values` asks for
   * multi-factor, the organization requires it), or instead of the password form when a user
   * signed in already must step up. E.g. `() => totpCode(secret)`, or the newest code in
   * `readOutbox({ tenantUrl, to: email })`. Without it, a login that asks for a code fails with
   * {@link LoginFailedError}.
   */
  otp?: () => string | Promise<string>;
}

/** Thrown when the tenant's login form did not let the user in. */
export class LoginFailedError extends Error {
  override readonly name = 'LoginFailedError';
  constructor(
    message: string,
    readonly result: NavigationResult,
  ) {
    super(message);
  }
}

/**
 * Walks a login through the tenant's form: opens `startUrl`, follows the redirects to the tenant,
 * fills in the form (and the second factor's code, from `otp`, when the tenant asks for one) and
 * follows the redirects back. Resolves with where the browser ended, usually the app's page after
 * its callback. If the tenant already has a session, no form is shown and the navigation goes
 * straight through (but for the code, when that session must step up).
 *
 * @example
 * const browser = new BrowserClient();
 * const end = await loginAs(browser, { startUrl: `${app}/auth/login`, email: 'alice@example.com', password: 'alice-password' });
 */
export async function loginAs(
  client: BrowserClient,
  options: LoginAsOptions,
): Promise<NavigationResult> {
  const navigation = { headers: options.headers, stopBefore: options.stopBefore };
  const landing = await client.navigate(options.startUrl, navigation);
  const form = formWith(landing, 'password');
  if (!form) return answerSecondFactor(client, options, landing);
  const result = await client.submit(
    form,
    { username: options.email, password: options.password },
    navigation,
  );
  if (formWith(result, 'password')) {
    throw new LoginFailedError(`the tenant refused the login of ${options.email}`, result);
  }
  return answerSecondFactor(client, options, result);
}

/** The first form of a page that has a field named `field`. */
const formWith = (page: NavigationResult, field: string) =>
  parseForms(page.body, page.url).find((candidate) => candidate.fields.has(field));

/** Types the second factor's code in when `page` asks for it; otherwise `page` is where it ended. */
async function answerSecondFactor(
  client: BrowserClient,
  options: LoginAsOptions,
  page: NavigationResult,
): Promise<NavigationResult> {
  const form = formWith(page, 'otp');
  if (!form) return page;
  if (!options.otp) {
    throw new LoginFailedError(
      `the tenant asks ${options.email} for a second factor: pass loginAs an otp option`,
      page,
    );
  }
  const navigation = { headers: options.headers, stopBefore: options.stopBefore };
  const result = await client.submit(form, { otp: await options.otp() }, navigation);
  if (formWith(result, 'otp')) {
    throw new LoginFailedError(`the tenant refused the code of ${options.email}`, result);
  }
  return result;
}
