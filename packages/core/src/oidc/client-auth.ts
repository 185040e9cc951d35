import { importPKCS8 } from 'jose';
import * as oauth from 'oauth4webapi';
import type { ClientCredential } from '../options.js';

/**
 * The oauth4webapi client authentication for a credential. A private key is imported once, on
 * first use, and reused.
 */
export function clientAuthentication(
  credential: ClientCredential,
): () => Promise<oauth.ClientAuth> {
  if (credential.method === 'client_secret_basic') {
    const auth = oauth.ClientSecretBasic(credential.clientSecret);
    return async () => auth;
  }
  let auth: Promise<oauth.ClientAuth> | undefined;
  return () => {
    auth ??= importPKCS8(
      credential.key.export({ format: 'pem', type: 'pkcs8' }) as string,
      credential.alg,
    ).then((key) => oauth.PrivateKeyJwt(key));
    return auth;
  };
}
