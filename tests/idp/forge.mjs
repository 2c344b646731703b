// forge.mjs: turns a real ID token into the flawed one a test describes, so a
// negative case reaches motcua through the provider's real token endpoint
// (POST /__test/next-id-token on provider.mjs). Only for tests.
//
// A description is a JSON object, every member optional:
//   claims    {name: value}: set these payload claims; null removes one
//             (e.g. {"aud": "someone-else"}, {"nonce": null})
//   relative  {name: seconds}: set these claims to now + seconds
//             (e.g. {"exp": -600} expired, {"nbf": 600} not yet valid)
//   header    {name: value}: extra or replaced protected-header members
//   mode      how the result is signed:
//     "sign"          (default) with the provider's current key, same alg/kid
//     "none"          alg "none" and an empty signature
//     "unknown_kid"   with a fresh key of the same algorithm whose kid is in
//                     no key set
//     "bad_signature" with the provider's key, then one signature bit flipped
//     "hs256"         HMAC-SHA256 keyed with the client secret (the
//                     algorithm-confusion attack), the provider's kid
//     "previous_key"  with the key the last rotation removed, and its kid
// Everything not described is kept from the real token (iss, sub, aud,
// nonce, iat, exp...), so each forged token has exactly one flaw.
//
// Example:
//   const token = await forgeIdToken(real, {relative: {exp: -600}}, signer);
import { CompactSign, generateKeyPair, importJWK } from 'jose';
import { randomBytes } from 'node:crypto';

export const forgeModes = ['sign', 'none', 'unknown_kid', 'bad_signature', 'hs256', 'previous_key'];

const b64url = (data) => Buffer.from(data).toString('base64url');
const decodePart = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

// The header and payload of a compact JWS, unverified.
export function decodeJws(token) {
  const [header, payload] = token.split('.');
  return { header: decodePart(header), payload: decodePart(payload) };
}

// Applies `description` to `realToken`. `signer` is
// {privateJwk, alg, clientSecret, previousJwk}: the provider's current
// signing key, its algorithm, the secret of the client the token is for, and
// the key the last rotation removed (if any).
export async function forgeIdToken(realToken, description, signer) {
  const mode = description.mode ?? 'sign';
  if (!forgeModes.includes(mode)) throw new Error(`unknown forge mode ${mode}`);
  const { header: realHeader, payload } = decodeJws(realToken);
  for (const [name, value] of Object.entries(description.claims ?? {})) {
    if (value === null) delete payload[name];
    else payload[name] = value;
  }
  const now = Math.floor(Date.now() / 1000);
  for (const [name, seconds] of Object.entries(description.relative ?? {})) {
    payload[name] = now + seconds;
  }
  const header = { ...realHeader, alg: signer.alg, kid: signer.privateJwk.kid, ...description.header };
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const sign = async (protectedHeader, key) =>
    new CompactSign(body).setProtectedHeader(protectedHeader).sign(key);
  switch (mode) {
    case 'none': {
      const unsigned = { ...header, alg: 'none' };
      delete unsigned.kid;
      return `${b64url(JSON.stringify(unsigned))}.${b64url(body)}.`;
    }
    case 'hs256':
      return sign({ ...header, alg: 'HS256' }, new TextEncoder().encode(signer.clientSecret));
    case 'previous_key': {
      if (!signer.previousJwk) throw new Error('no key was rotated out yet');
      const previous = signer.previousJwk;
      return sign({ ...header, alg: previous.alg, kid: previous.kid }, await importJWK(previous, previous.alg));
    }
    case 'unknown_kid': {
      const { privateKey } = await generateKeyPair(signer.alg, keyOptions(signer.alg));
      return sign({ ...header, kid: `unknown-${randomBytes(8).toString('hex')}` }, privateKey);
    }
    default: {
      const key = await importJWK(signer.privateJwk, signer.alg);
      const token = await sign(header, key);
      if (mode === 'sign') return token;
      const [h, p, s] = token.split('.');
      const signature = Buffer.from(s, 'base64url');
      signature[0] ^= 0x01;
      return `${h}.${p}.${signature.toString('base64url')}`;
    }
  }
}

// generateKeyPair options for `alg` (EdDSA keys here are Ed25519).
export function keyOptions(alg) {
  return alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true };
}
