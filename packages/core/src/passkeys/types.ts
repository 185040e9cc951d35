/**
 * The shapes of Auth0's passkey API (auth0-server-python's `PasskeyPublicKeyOptions` and
 * `PasskeyAuthResponse`), in the WebAuthn Level 3 JSON forms browsers parse and produce:
 * `PublicKeyCredential.parseCreationOptionsFromJSON()` / `parseRequestOptionsFromJSON()` take
 * {@link PasskeyPublicKeyOptions}; `credential.toJSON()` gives a {@link PasskeyAuthResponse}.
 */

/**
 * The options for `navigator.credentials.create()` (sign-up: `rp`, `user`, `pubKeyCredParams`,
 * `authenticatorSelection`, `attestation`) or `.get()` (login: `rpId`, `allowCredentials`), as
 * JSON: binary fields are base64url strings. Passed to the browser as they came.
 */
export interface PasskeyPublicKeyOptions {
  /** The challenge to sign, base64url. */
  challenge: string;
  rp?: { id?: string; name: string };
  rpId?: string;
  user?: { id: string; name: string; displayName?: string };
  pubKeyCredParams?: ReadonlyArray<{ type: string; alg: number }>;
  authenticatorSelection?: { residentKey?: string; userVerification?: string };
  allowCredentials?: ReadonlyArray<{ id: string; type: string; transports?: string[] }>;
  timeout?: number;
  userVerification?: string;
  attestation?: string;
  /** Whatever else the tenant sends (`extensions`, `hints`, ...), kept for the browser. */
  [extra: string]: unknown;
}

/** The browser's credential, `credential.toJSON()`: a registration or an assertion. */
export interface PasskeyAuthResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  authenticatorAttachment?: string | null;
  /**
   * `clientDataJSON` and `attestationObject` (sign-up) or `authenticatorData`, `signature` and
   * `userHandle` (sign-in), base64url; `transports` on sign-up.
   */
  response: Readonly<Record<string, unknown>>;
  clientExtensionResults?: Readonly<Record<string, unknown>>;
}

/** What a challenge gives: the options for the browser, and the tenant's handle of the ceremony. */
export interface PasskeyChallenge {
  /** For `parseCreationOptionsFromJSON()` (sign-up) or `parseRequestOptionsFromJSON()` (login). */
  publicKey: PasskeyPublicKeyOptions;
  /**
   * The tenant's `auth_session`, for {@link SigninWithPasskeyOptions.authSession}. Keep it on the
   * server (the web routes seal it in a short-lived cookie); it is used once and expires.
   */
  authSession: string;
}

/** Who signs up: Auth0's `user_profile`. */
export interface PasskeyUserProfile {
  email: string;
  name?: string;
}

/** Options of `passkeySignupChallenge`. */
export interface PasskeySignupChallengeOptions<TStoreOptions> {
  /** Who signs up. The tenant refuses an email that already has a user. */
  userProfile?: PasskeyUserProfile;
  /** Extra data stored on the new user (Auth0's `user_metadata`). */
  userMetadata?: Readonly<Record<string, unknown>>;
  /** The database connection (Auth0's `realm`). Default: the tenant's default. */
  connection?: string;
  /** An organization (`org_…` id or name). Default: the client's `organization` option. */
  organization?: string;
  /** With multiple custom domains, the request the domain is resolved from. */
  storeOptions?: TStoreOptions;
}

/** Options of `passkeyLoginChallenge`. */
export interface PasskeyLoginChallengeOptions<TStoreOptions> {
  /** The user's email: only their passkeys may answer. Default: any passkey (discoverable). */
  username?: string;
  connection?: string;
  organization?: string;
  storeOptions?: TStoreOptions;
}

/** Options of `signinWithPasskey`. */
export interface SigninWithPasskeyOptions<TStoreOptions> {
  /** The `authSession` of the challenge the credential answers. */
  authSession: string;
  /** The browser's credential (`credential.toJSON()`). */
  authnResponse: PasskeyAuthResponse;
  /** The API to get an access token for. Default: `authorizationParams.audience`. */
  audience?: string;
  /** Scopes, beside `openid`. Default: the configured scope for the audience, else `openid profile email offline_access`. */
  scope?: string;
  /** The organization to sign in to; the ID token must name it. Default: the client's `organization`. */
  organization?: string;
  connection?: string;
  /** Where the new session is saved. */
  storeOptions: TStoreOptions;
}
