/**
 * Test kit for apps that use Gatehouse: a browser-like HTTP client and a login helper that walks
 * the dev tenant's login form (and its second factor) over real HTTP, and helpers that read what
 * the tenant did: codes it sent, logouts it delivered, invitations.
 */

export type { BackchannelAttempt, BackchannelDelivery } from '../backchannel-deliveries.js';
export type { BackchannelRequestInfo } from '../ciba-pages.js';
export type { UserIdentity } from '../identities.js';
export type { OutboxChannel, OutboxMessage } from '../outbox.js';
export { newTotpSecret, totpCode } from '../totp.js';
export { BrowserClient, type NavigateOptions, type NavigationResult } from './browser-client.js';
export {
  approveBackchannel,
  type BackchannelDecisionOptions,
  denyBackchannel,
  type ListBackchannelRequestsOptions,
  listBackchannelRequests,
} from './ciba.js';
export { CookieStore } from './cookie-store.js';
export { backchannelDeliveries } from './deliveries.js';
export { type EndedSessions, endUserSessions } from './end-sessions.js';
export { type HtmlForm, parseForms } from './forms.js';
export {
  type CreatedInvitation,
  type CreateInvitationOptions,
  createInvitation,
} from './invitations.js';
export { type ApproveAccountLinkOptions, approveAccountLink } from './linking.js';
export { type LoginAsOptions, LoginFailedError, loginAs } from './login.js';
export { DpopKey, type MachineTokenOptions, machineToken } from './machine-tokens.js';
export { type ReadOutboxOptions, readOutbox } from './outbox.js';
export {
  type CeremonyOverrides,
  type GetOverrides,
  SoftwareAuthenticator,
  type SoftwareAuthenticatorOptions,
} from './software-authenticator.js';
export { type GetUserOptions, getUser, type TenantUser } from './users.js';
