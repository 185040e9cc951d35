import type { BrowserClient, NavigateOptions, NavigationResult } from './browser-client.js';
import { parseForms } from './forms.js';

/** Options of {@link loginAs}. */
export interface LoginAsOptions extends Pick<NavigateOptions, 'stopBefore' | 'headers'> {
  /** Where the login starts: an app's login route, or a tenant `/authorize` URL. */
  startUrl: string | URL;
  email: string;
  password: string;
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
 * fills in the form and follows the redirects back. Resolves with where the browser ended, usually
 * the app's page after its callback. If the tenant already has a session, no form is shown and the
 * navigation goes straight through.
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
  const form = parseForms(landing.body, landing.url).find((candidate) =>
    candidate.fields.has('password'),
  );
  if (!form) return landing;
  const result = await client.submit(
    form,
    { username: options.email, password: options.password },
    navigation,
  );
  if (parseForms(result.body, result.url).some((candidate) => candidate.fields.has('password'))) {
    throw new LoginFailedError(`the tenant refused the login of ${options.email}`, result);
  }
  return result;
}
