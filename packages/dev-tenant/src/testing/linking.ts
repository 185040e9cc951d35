import type { BrowserClient, NavigateOptions, NavigationResult } from './browser-client.js';
import { parseForms } from './forms.js';
import { LoginFailedError, loginAs } from './login.js';

/** Options of {@link approveAccountLink}. */
export interface ApproveAccountLinkOptions extends Pick<NavigateOptions, 'stopBefore' | 'headers'> {
  /**
   * Where the link starts: an app's route that sends the browser to `/authorize` with
   * `scope=openid link_account`, `id_token_hint` and `requested_connection`, or that URL itself.
   */
  startUrl: string | URL;
  /** The account of the connection to link (its `user_id`). Default: the first one offered. */
  userId?: string;
  /**
   * The primary user's credentials, in case the browser has no tenant session of theirs (the
   * tenant then asks them to sign in first). Not needed in a browser signed in already.
   */
  email?: string;
  password?: string;
  otp?: () => string | Promise<string>;
}

/**
 * Walks an account link through the tenant: opens `startUrl`, signs the primary user in when the
 * tenant asks (with `email` and `password`), chooses the account on the simulated provider's page
 * and follows the redirects back to the app, whose callback then gets a code for the primary user.
 *
 * @example
 * const end = await approveAccountLink(browser, { startUrl: `${app}/auth/link?connection=google-oauth2` });
 */
export async function approveAccountLink(
  client: BrowserClient,
  options: ApproveAccountLinkOptions,
): Promise<NavigationResult> {
  const navigation = { headers: options.headers, stopBefore: options.stopBefore };
  let page = await client.navigate(options.startUrl, navigation);
  const asksPassword = parseForms(page.body, page.url).some((form) => form.fields.has('password'));
  if (asksPassword) {
    if (options.email === undefined || options.password === undefined) {
      throw new LoginFailedError(
        'the tenant asks the primary user to sign in: pass approveAccountLink email and password',
        page,
      );
    }
    page = await loginAs(client, {
      startUrl: page.url,
      email: options.email,
      password: options.password,
      otp: options.otp,
      ...navigation,
    });
  }
  const accounts = parseForms(page.body, page.url).filter((form) => form.fields.has('user_id'));
  const chosen =
    options.userId === undefined
      ? accounts[0]
      : accounts.find((form) => form.fields.get('user_id') === options.userId);
  if (!chosen) {
    throw new LoginFailedError(
      `the tenant offers no account${options.userId ? ` ${options.userId}` : ''} to link here`,
      page,
    );
  }
  return client.submit(chosen, {}, navigation);
}
