import { constants, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AsymmetricAlgorithm, verifySignature } from './algorithms.js';
import { importPublicJwk, keyFitsAlgorithm, type PublicKey } from './jwk.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const ed = generateKeyPairSync('ed25519');

const imported = (publicKey: KeyObject, extra: Record<string, unknown> = {}) =>
  importPublicJwk({ ...publicKey.export({ format: 'jwk' }), kid: 'k', ...extra }) as PublicKey;

/** Signs as a JWS signer would: raw r||s for ECDSA, PSS with a digest-length salt. */
function jwsSign(alg: AsymmetricAlgorithm, privateKey: KeyObject, input: string): Buffer {
  const digest = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  if (alg.startsWith('ES'))
    return sign(digest, Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('PS')) {
    return sign(digest, Buffer.from(input), {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  return sign(digest, Buffer.from(input), privateKey);
}

const pairs: Array<[AsymmetricAlgorithm, { publicKey: KeyObject; privateKey: KeyObject }]> = [
  ['RS256', rsa],
  ['RS384', rsa],
  ['RS512', rsa],
  ['PS256', rsa],
  ['PS384', rsa],
  ['PS512', rsa],
  ['ES256', p256],
  ['ES384', p384],
  ['ES512', p521],
  ['EdDSA', ed],
];

describe('verifySignature', () => {
  it.each(pairs)('%s verifies its own signatures and nothing else', (alg, pair) => {
    const key = imported(pair.publicKey);
    expect(keyFitsAlgorithm(key, alg)).toBe(true);
    const signature = jwsSign(alg, pair.privateKey, 'header.payload');
    expect(verifySignature(alg, key.keyObject, 'header.payload', signature)).toBe(true);
    expect(verifySignature(alg, key.keyObject, 'header.payloaD', signature)).toBe(false);
    expect(verifySignature(alg, key.keyObject, 'header.payload', Buffer.alloc(0))).toBe(false);
  });

  it('refuses a DER-encoded ECDSA signature (JWS uses raw r||s)', () => {
    const der = sign('sha256', Buffer.from('a.b'), p256.privateKey);
    expect(verifySignature('ES256', imported(p256.publicKey).keyObject, 'a.b', der)).toBe(false);
  });
});

describe('keyFitsAlgorithm', () => {
  it.each<[string, PublicKey, AsymmetricAlgorithm]>([
    ['an RSA key for ES256', imported(rsa.publicKey), 'ES256'],
    ['a P-256 key for ES384', imported(p256.publicKey), 'ES384'],
    ['an EC key for RS256', imported(p256.publicKey), 'RS256'],
    ['an Ed25519 key for ES256', imported(ed.publicKey), 'ES256'],
    ['a JWK pinned to RS256 for PS256', imported(rsa.publicKey, { alg: 'RS256' }), 'PS256'],
  ])('refuses %s', (_label, key, alg) => {
    expect(keyFitsAlgorithm(key, alg)).toBe(false);
  });
});

describe('importPublicJwk', () => {
  it.each([
    ['a private key', { ...p256.privateKey.export({ format: 'jwk' }) }],
    ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0' }],
    ['an encryption key', { ...p256.publicKey.export({ format: 'jwk' }), use: 'enc' }],
    ['a key with an unknown alg', { ...p256.publicKey.export({ format: 'jwk' }), alg: 'HS256' }],
    ['an unsupported curve', { ...p256.publicKey.export({ format: 'jwk' }), crv: 'secp256k1' }],
    ['a point off the curve', { ...p256.publicKey.export({ format: 'jwk' }), x: 'AAAA' }],
    ['a non-string kid', { ...p256.publicKey.export({ format: 'jwk' }), kid: 7 }],
    ['an array', [p256.publicKey.export({ format: 'jwk' })]],
  ])('refuses %s', (_label, jwk) => {
    expect(importPublicJwk(jwk)).toBeUndefined();
  });
});
