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
  if (credential.method !== 'private_key_jwt') {
    // oauth4webapi form-encodes the id and secret inside Basic (RFC 6749 §2.3.1), so a secret
    // with punctuation works.
    const auth =
      credential.method === 'client_secret_post'
        ? oauth.ClientSecretPost(credential.clientSecret)
        : oauth.ClientSecretBasic(credential.clientSecret);
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
