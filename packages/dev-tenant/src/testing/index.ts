/**
 * Test kit for apps that use Gatehouse: a browser-like HTTP client and a login helper that walks
 * the dev tenant's login form over real HTTP.
 */

export type { BackchannelAttempt, BackchannelDelivery } from '../backchannel-deliveries.js';
export { BrowserClient, type NavigateOptions, type NavigationResult } from './browser-client.js';
export { CookieStore } from './cookie-store.js';
export { backchannelDeliveries } from './deliveries.js';
export { type EndedSessions, endUserSessions } from './end-sessions.js';
export { type HtmlForm, parseForms } from './forms.js';
export {
  type CreatedInvitation,
  type CreateInvitationOptions,
  createInvitation,
} from './invitations.js';
export { type LoginAsOptions, LoginFailedError, loginAs } from './login.js';
export { DpopKey, type MachineTokenOptions, machineToken } from './machine-tokens.js';
