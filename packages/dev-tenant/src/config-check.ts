/**
 * Checks a dev tenant's configuration when the tenant starts, so a wrong field is reported there,
 * by its path and with what it takes, rather than failing later at request time with an obscure
 * error (`apis[].scopes` given as an array once crashed the consent page with
 * `scopes.split is not a function`). Configurations come from JSON files (`--config`) as well as
 * from TypeScript, so the types alone do not catch these.
 */

/** What one field takes: a check, and the words for the error message. */
interface Rule {
  test(value: unknown, path: string): void;
}

/** Thrown with every problem found, each naming the field. */
export class DevTenantConfigError extends TypeError {
  constructor(readonly problems: string[]) {
    super(`dev tenant config: ${problems.join('; ')}`);
    this.name = 'DevTenantConfigError';
  }
}

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `a ${typeof value}`;
};

function checker(problems: string[]) {
  const fail = (path: string, takes: string, value: unknown) =>
    problems.push(`${path} must be ${takes}, got ${describe(value)}`);

  const simple = (takes: string, ok: (value: unknown) => boolean): Rule => ({
    test(value, path) {
      if (!ok(value)) fail(path, takes, value);
    },
  });
  const string = (takes = 'a string') => simple(takes, (value) => typeof value === 'string');
  const pattern = (shape: RegExp, takes: string) =>
    simple(takes, (value) => typeof value === 'string' && shape.test(value));
  const scopes = string('a string of space-separated scopes, e.g. "read:orders write:orders"');
  const seconds = simple(
    'a positive number of seconds',
    (value) => typeof value === 'number' && Number.isFinite(value) && value > 0,
  );
  const count = (takes: string) =>
    simple(takes, (value) => Number.isSafeInteger(value) && (value as number) > 0);
  const boolean = simple('true or false', (value) => typeof value === 'boolean');
  const oneOf = (...choices: string[]) =>
    simple(`one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`, (value) =>
      choices.includes(value as string),
    );
  const arrayOf = (item: Rule, takes = 'an array'): Rule => ({
    test(value, path) {
      if (!Array.isArray(value)) return fail(path, takes, value);
      for (const [index, entry] of value.entries()) item.test(entry, `${path}[${index}]`);
    },
  });
  const strings = arrayOf(string(), 'an array of strings');
  const object = (fields: Record<string, Rule>, required: string[] = []): Rule => ({
    test(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail(path || 'the config', 'an object', value);
      }
      const record = value as Record<string, unknown>;
      const known = Object.keys(fields);
      for (const key of Object.keys(record)) {
        const at = path ? `${path}.${key}` : key;
        if (!(key in fields)) {
          problems.push(`${at} is not a known field (known: ${known.join(', ')})`);
        } else if (record[key] !== undefined) {
          fields[key]?.test(record[key], at);
        }
      }
      for (const key of required) {
        if (record[key] === undefined) problems.push(`${path ? `${path}.` : ''}${key} is required`);
      }
    },
  });

  const client = object(
    {
      clientId: string(),
      clientSecret: string(),
      redirectUris: strings,
      allowedLogoutUrls: strings,
      backchannelLogoutUri: string('a URL string'),
      tokenEndpointAuthMethod: oneOf(
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ),
      jwks: object({ keys: arrayOf(simple('a JWK object', isObject)) }, ['keys']),
      refreshTokenPolicies: arrayOf(
        object({ audience: string(), scope: scopes }, ['audience', 'scope']),
      ),
      refreshTokenRotation: boolean,
      initiateLoginUri: simple(
        'an absolute URL string, the login route of the app',
        (value) => typeof value === 'string' && URL.canParse(value),
      ),
    },
    ['clientId', 'redirectUris'],
  );
  const dpop = oneOf('allowed', 'required');
  const api = object(
    { identifier: string(), scopes, accessTokenLifetime: seconds, requireMfa: boolean, dpop },
    ['identifier', 'scopes'],
  );
  const connectionUser = object({ user_id: string(), email: string(), name: string() }, [
    'user_id',
    'email',
  ]);
  const connection = object(
    { name: string(), scopes, tokenLifetime: seconds, users: arrayOf(connectionUser) },
    ['name', 'scopes'],
  );
  const tokenExchangeProfile = object(
    {
      subjectTokenType: simple(
        'a URI string, e.g. "urn:acme:legacy-token"',
        (value) => typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value),
      ),
      audience: string('an API identifier string'),
      validate: simple(
        'a function (subjectToken, context) returning { sub } or a promise of it',
        (value) => typeof value === 'function',
      ),
    },
    ['subjectTokenType', 'validate'],
  );
  const user = object(
    {
      sub: string(),
      email: string(),
      password: string(),
      name: string(),
      idTokenClaims: simple(
        'an object of claims or a function returning one',
        (value) => isObject(value) || typeof value === 'function',
      ),
      connectedAccounts: arrayOf(
        object({ connection: string(), loginHint: string(), scopes }, ['connection']),
      ),
      mfa: object({
        totpSecret: pattern(
          /^[A-Za-z2-7]{16,}=*$/,
          'a base32 secret of at least 16 characters (A-Z, 2-7)',
        ),
      }),
    },
    ['email', 'password'],
  );
  const organization = object(
    {
      id: pattern(/^org_\w+$/, 'an organization id: org_ followed by letters, digits or _'),
      name: pattern(
        /^[a-z0-9][a-z0-9_-]*$/,
        'a lower-case name of letters, digits, - and _ (e.g. "acme")',
      ),
      displayName: string(),
      members: strings,
      requireMfa: boolean,
    },
    ['id', 'name', 'members'],
  );
  const tenant = object({
    clients: arrayOf(client),
    apis: arrayOf(api),
    users: arrayOf(user),
    organizations: arrayOf(organization),
    connections: arrayOf(connection),
    idTokenLifetime: seconds,
    refreshTokenLifetime: seconds,
    mfaTokenLifetime: seconds,
    // Its members are checked where it is resolved (`resolveBackchannelLogout`).
    backchannelLogout: simple('an object of maxAttempts, retryDelayMs, maxRetryDelayMs', isObject),
    tokenExchangeProfiles: arrayOf(tokenExchangeProfile),
    onBehalfOf: boolean,
    sessionTransferTokenLifetime: seconds,
    ciba: object({
      interval: count('a positive whole number of seconds'),
      maxExpiry: count('a positive whole number of seconds'),
    }),
    passwordless: object({
      codeLifetime: count('a positive whole number of seconds'),
      maxAttempts: count('a positive whole number'),
      maxStartsPerMinute: count('a positive whole number'),
    }),
    myAccountApi: object({ dpop }),
    tokenVault: object({ dpop }),
    dpopNonces: boolean,
    passkeys: object({
      rpId: pattern(
        /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i,
        'a host name without scheme or port, e.g. "localhost" or "example.com"',
      ),
      rpName: string(),
      origins: arrayOf(
        simple(
          'an origin string such as "http://localhost:3000" (scheme, host, port; no path)',
          (value) => typeof value === 'string' && URL.parse(value)?.origin === value,
        ),
        'an array of origin strings',
      ),
    }),
  });

  const port = simple(
    'a port number from 0 to 65535 (0: a free one)',
    (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535,
  );
  const start = object({
    port,
    host: string('a host name or IP address string'),
    // Its fields are checked by `tenant`, with their paths as written in a `--config` file.
    config: simple('an object of clients, apis, users, ...', isObject),
    customDomains: arrayOf(object({ port, host: string('a host name or IP address string') })),
  });
  return { tenant, start };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws a {@link DevTenantConfigError} naming every wrong or unknown field of `config`. */
export function checkTenantConfig(config: unknown): void {
  const problems: string[] = [];
  checker(problems).tenant.test(config, '');
  if (problems.length > 0) throw new DevTenantConfigError(problems);
}

/**
 * Throws a {@link DevTenantConfigError} naming every wrong or unknown option of `startDevTenant`
 * (`port`, `host`, `customDomains[1].port`, ...); `config` is checked by {@link checkTenantConfig}.
 */
export function checkStartOptions(options: unknown): void {
  const problems: string[] = [];
  checker(problems).start.test(options, '');
  if (problems.length > 0) throw new DevTenantConfigError(problems);
}
