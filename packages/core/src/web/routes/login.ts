import { callbackUrlFor } from '../options.js';
import { field } from '../request.js';
import { redirect } from '../response.js';
import { resolveReturnTo } from '../return-to.js';
import { type RouteHandler, storeOptionsOf } from './context.js';

/**
 * Query parameters the login route passes on: an organization and an invitation (Auth0's
 * invitation links), what a step-up asks for, and a session transfer token (another app hands
 * its session over). Nothing else of the query reaches `/authorize`.
 */
const LOGIN_QUERY = [
  'organization',
  'invitation',
  'acr_values',
  'max_age',
  'session_transfer_token',
] as const;

/**
 * `GET /auth/login?returnTo=/orders`: starts a login and redirects to the tenant. `returnTo` is
 * checked now and again at the callback; anything off-origin becomes the app's base URL.
 */
export const login: RouteHandler = async ({ client, options }, request) => {
  const returnTo = resolveReturnTo(field(request, 'returnTo'), request.appBaseUrl);
  const redirectUri = callbackUrlFor(options, request.appBaseUrl);
  // What a page's requiresAuth asked for (step-up), or an organization invitation link.
  const asked = Object.fromEntries(
    LOGIN_QUERY.flatMap((name) => {
      const value = field(request, name);
      return value ? [[name, value]] : [];
    }),
  );
  const { organization, invitation, ...stepUp } = asked;
  // Only a silent login's prompt is taken from the query (what attemptSilentLogin sends).
  const prompt = field(request, 'prompt') === 'none' ? { prompt: 'none' } : {};
  const url = await client.startInteractiveLogin({
    appState: { returnTo: returnTo.href },
    authorizationParams: {
      ...(redirectUri ? { redirect_uri: redirectUri } : {}),
      ...stepUp,
      ...prompt,
    },
    ...(organization ? { organization } : {}),
    ...(invitation ? { invitation } : {}),
    storeOptions: storeOptionsOf(request),
  });
  return redirect(url);
};
