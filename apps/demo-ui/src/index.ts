export { ADMIN_STEP_UP, authOptions, MFA_ACR } from './auth-options.js';
export {
  type DemoApi,
  type DemoApiCall,
  type DemoApp,
  type DemoAudiences,
  type DemoConfig,
  demoAudiences,
  demoConfig,
  demoTenantDomain,
  tenantOrigin,
} from './config.js';
export { FAVICON } from './favicon.js';
export { DemoPages, type RenderedPage } from './handlers.js';
export { escapeHtml, html, type SafeHtml } from './html.js';
export { layout, type PageChrome } from './layout.js';
export {
  type AccountsView,
  type ApiCallResult,
  accountsPage,
  errorPage,
  formatTime,
  homePage,
  type ProfileView,
  profilePage,
  type TokenView,
  tokensPage,
} from './pages.js';
export { closeOnSignals, exitOnListenError } from './shutdown.js';
