/** An upstream account the user has connected (My Account API). */
export interface ConnectedAccount {
  id: string;
  connection: string;
  access_type?: string;
  scopes?: string[];
  created_at: string;
  expires_at?: string;
}

/** A connection the user may connect an account for. */
export interface ConnectedAccountConnection {
  name: string;
  strategy: string;
  scopes?: string[];
}

/** One page of connected accounts; pass `next` as `from` for the following page. */
export interface ConnectedAccountsPage {
  accounts: ConnectedAccount[];
  next?: string;
}

/** One page of connections; pass `next` as `from` for the following page. */
export interface ConnectionsPage {
  connections: ConnectedAccountConnection[];
  next?: string;
}

/** Body of `POST /me/v1/connected-accounts/connect`. */
export interface ConnectRequest {
  connection: string;
  redirect_uri: string;
  state: string;
  code_challenge: string;
  code_challenge_method: 'S256';
  scopes?: string[];
  authorization_params?: Record<string, string>;
}

/** Answer of `connect`: where to send the browser, and the session to complete it with. */
export interface ConnectResponse {
  connect_uri: string;
  connect_params: { ticket: string };
  auth_session: string;
  expires_in?: number;
}

/** Body of `POST /me/v1/connected-accounts/complete`. */
export interface CompleteRequest {
  auth_session: string;
  connect_code: string;
  redirect_uri: string;
  code_verifier: string;
}

/** Answer of `complete`: the account that was connected. */
export interface CompleteResponse extends ConnectedAccount {}

/** Paging of the list calls. */
export interface PageOptions {
  /** Page size, a positive integer. Default (server side) 10. */
  take?: number;
  /** The `next` value of the previous page. */
  from?: string;
}
