import { SilentLoginFailedError } from '../../errors.js';
import { redirect } from '../response.js';
import { returnToFromAppState } from '../return-to.js';
import { type RouteHandler, storeOptionsOf } from './context.js';

/**
 * `GET /auth/callback`: completes a login (`code`) or a connect (`connect_code`) and redirects to
 * the `returnTo` saved when it started. Errors (the tenant's `error=`, no transaction, a bad
 * state) are thrown as named errors for the error page.
 */
export const callback: RouteHandler = async ({ client }, request) => {
  const storeOptions = storeOptionsOf(request);
  try {
    const { appState } = await client.completeCallback({ url: request.url, storeOptions });
    return redirect(returnToFromAppState(appState, request.appBaseUrl));
  } catch (error) {
    // A silent login the tenant could not complete: back to the page, anonymous, no error page.
    if (error instanceof SilentLoginFailedError) {
      return redirect(returnToFromAppState(error.appState, request.appBaseUrl));
    }
    throw error;
  }
};
