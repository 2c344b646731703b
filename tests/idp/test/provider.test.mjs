// The test providers alone: discovery, a full code + PKCE flow with a plain
// client, PKCE enforcement, key rotation in the JWKS, every forge mode, the
// other signing algorithms, and the config checks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compactVerify, createLocalJWKSet, jwtVerify } from 'jose';
import { decodeJws } from '../forge.mjs';
import { isCitizenId, startProviders } from '../provider.mjs';
import { authorize, client, redeem } from './client.mjs';

const citizen = { sub: 'c1', national_id: '001090012345', name: 'Nguyễn Văn An', birthdate: '1990-01-15' };
const providerSpec = (id, kind, extra = {}) => ({
  id, kind, clients: [client], accounts: kind === 'citizen' ? [citizen] : [{ sub: 'staff-7', name: 'Trần Thị Bình' }], ...extra,
});

const jwksOf = async (p) => (await fetch(`${p.issuer}/jwks`)).json();
const control = (p, path, body) => fetch(`${p.issuer}/__test/${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });

// A full sign-in; returns the token response and the login's nonce.
async function signIn(p, account = 'c1') {
  const grant = await authorize(p, account);
  assert.ok(grant.code, `no code: ${grant.location}`);
  assert.equal(grant.state, grant.sentState);
  const tokens = await redeem(p, grant.code, grant.verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return { ...tokens.body, nonce: grant.nonce };
}

const verify = async (p, idToken) => jwtVerify(idToken, createLocalJWKSet(await jwksOf(p)), { issuer: p.issuer, audience: client.client_id });

describe('test OpenID providers', () => {
  let idp;
  let vneid;
  let staff;
  before(async () => {
    idp = await startProviders({ providers: [providerSpec('vneid', 'citizen'), providerSpec('keycloak', 'staff')] });
    [vneid, staff] = idp.providers;
  });
  after(() => idp.close());

  test('two providers listen on their own loopback ports with discovery', async () => {
    assert.notEqual(vneid.port, staff.port);
    for (const p of [vneid, staff]) {
      assert.equal(p.issuer, `http://127.0.0.1:${p.port}`);
      const doc = await (await fetch(`${p.issuer}/.well-known/openid-configuration`)).json();
      assert.equal(doc.issuer, p.issuer);
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.ok(doc.id_token_signing_alg_values_supported.includes('RS256'));
      assert.ok(doc.end_session_endpoint.startsWith(p.issuer));
      assert.equal(doc.jwks_uri, `${p.issuer}/jwks`);
    }
    assert.deepEqual(idp.ready.providers.map((p) => p.id), ['vneid', 'keycloak']);
  });

  test('code flow with PKCE: a citizen ID token carries national_id, name, birthdate and the nonce', async () => {
    const tokens = await signIn(vneid);
    const { payload, protectedHeader } = await verify(vneid, tokens.id_token);
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, 'c1');
    assert.equal(payload.national_id, '001090012345');
    assert.equal(payload.name, 'Nguyễn Văn An');
    assert.equal(payload.birthdate, '1990-01-15');
    assert.equal(payload.nonce, tokens.nonce);
  });

  test('a staff ID token carries sub and name only', async () => {
    const tokens = await signIn(staff, 'staff-7');
    const { payload } = await verify(staff, tokens.id_token);
    assert.equal(payload.sub, 'staff-7');
    assert.equal(payload.name, 'Trần Thị Bình');
    assert.equal(payload.national_id, undefined);
  });

  test('PKCE is required: no challenge, plain method, missing or wrong verifier are refused', async () => {
    for (const params of [{ code_challenge: null, code_challenge_method: null }, { code_challenge_method: 'plain' }]) {
      const answer = await authorize(vneid, 'c1', params);
      assert.equal(answer.code, undefined, JSON.stringify(params));
      assert.equal(answer.error, 'invalid_request');
    }
    for (const verifier of [null, 'x'.repeat(43)]) {
      const grant = await authorize(vneid, 'c1');
      const refused = await redeem(vneid, grant.code, verifier);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_grant');
    }
  });

  test('a code is single use', async () => {
    const grant = await authorize(vneid, 'c1');
    assert.equal((await redeem(vneid, grant.code, grant.verifier)).status, 200);
    const again = await redeem(vneid, grant.code, grant.verifier);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');
  });

  test('the interaction can deny, and refuses unknown accounts', async () => {
    const denied = await authorize(vneid, 'c1&deny=1');
    assert.equal(denied.error, 'access_denied');
    const unknown = await authorize(vneid, 'nobody');
    assert.equal(unknown.code, undefined);
  });

  test('key rotation: a new kid replaces the old one in the JWKS and signs', async () => {
    const before = await jwksOf(vneid);
    assert.equal(before.keys.length, 1);
    const rotated = await (await control(vneid, 'rotate-keys')).json();
    assert.equal(rotated.old_kid, before.keys[0].kid);
    assert.notEqual(rotated.kid, rotated.old_kid);
    const afterKeys = await jwksOf(vneid);
    assert.deepEqual(afterKeys.keys.map((k) => k.kid), [rotated.kid]);
    assert.equal(afterKeys.keys[0].d, undefined, 'private parts are not published');
    const tokens = await signIn(vneid);
    assert.equal(decodeJws(tokens.id_token).header.kid, rotated.kid);
    await verify(vneid, tokens.id_token);
    // A token forged with the key rotated out names it and verifies under it.
    await control(vneid, 'next-id-token', { mode: 'previous_key' });
    const stale = (await signIn(vneid)).id_token;
    assert.equal(decodeJws(stale).header.kid, rotated.old_kid);
    await assert.rejects(verify(vneid, stale), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await compactVerify(stale, createLocalJWKSet(before));
  });

  describe('forged ID tokens through the token endpoint', () => {
    // Asks for `description`, signs in, and returns the forged and real tokens.
    async function forged(description) {
      assert.equal((await control(vneid, 'next-id-token', description)).status, 204);
      const tokens = await signIn(vneid);
      const last = await (await fetch(`${vneid.issuer}/__test/forged`)).json();
      assert.equal(last.forged, tokens.id_token);
      return { token: tokens.id_token, real: decodeJws(last.real), nonce: tokens.nonce };
    }

    test('claim overrides, removals and relative times keep everything else', async () => {
      const { token, real } = await forged({ claims: { aud: 'someone-else', nonce: null }, relative: { exp: -600, nbf: 300 } });
      const { header, payload } = decodeJws(token);
      assert.deepEqual(header, real.header);
      assert.equal(payload.aud, 'someone-else');
      assert.equal('nonce' in payload, false);
      const now = Math.floor(Date.now() / 1000);
      assert.ok(Math.abs(payload.exp - (now - 600)) < 5);
      assert.ok(Math.abs(payload.nbf - (now + 300)) < 5);
      assert.equal(payload.sub, real.payload.sub);
      assert.equal(payload.iss, real.payload.iss);
      await compactVerify(token, createLocalJWKSet(await jwksOf(vneid))); // the provider's real key
    });

    test('only the next token response is forged', async () => {
      await forged({ claims: { iss: 'https://evil.example' } });
      const tokens = await signIn(vneid);
      await verify(vneid, tokens.id_token);
    });

    test('wrong issuer is signed by the real key', async () => {
      const { token } = await forged({ claims: { iss: 'https://evil.example' } });
      const { payload } = await jwtVerify(token, createLocalJWKSet(await jwksOf(vneid)));
      assert.equal(payload.iss, 'https://evil.example');
    });

    test('alg none: no signature, no kid', async () => {
      const { token, real } = await forged({ mode: 'none' });
      const [, , signature] = token.split('.');
      assert.equal(signature, '');
      const { header, payload } = decodeJws(token);
      assert.equal(header.alg, 'none');
      assert.equal(header.kid, undefined);
      assert.deepEqual(payload, real.payload);
    });

    test('unknown kid: a valid signature by a key in no key set', async () => {
      const { token } = await forged({ mode: 'unknown_kid' });
      const { header } = decodeJws(token);
      assert.equal(header.alg, 'RS256');
      assert.ok(!(await jwksOf(vneid)).keys.some((k) => k.kid === header.kid));
      await assert.rejects(verify(vneid, token), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    });

    test('bad signature: the real kid, a signature that does not verify', async () => {
      const { token, real } = await forged({ mode: 'bad_signature' });
      assert.deepEqual(decodeJws(token).header, real.header);
      await assert.rejects(verify(vneid, token), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });

    test('hs256: an HMAC under the client secret', async () => {
      const { token } = await forged({ mode: 'hs256' });
      assert.equal(decodeJws(token).header.alg, 'HS256');
      const { payload } = await jwtVerify(token, new TextEncoder().encode(client.client_secret));
      assert.equal(payload.national_id, '001090012345');
    });

    test('an unknown mode is refused when asked, and nothing is forged', async () => {
      assert.equal((await control(vneid, 'next-id-token', { mode: 'nonsense' })).status, 400);
      await verify(vneid, (await signIn(vneid)).id_token);
    });
  });
});

describe('signing algorithms and configuration', () => {
  for (const algorithm of ['PS256', 'ES256', 'EdDSA']) {
    test(`${algorithm} keys sign the ID token`, async () => {
      const idp = await startProviders({ providers: [providerSpec('alg', 'citizen', { algorithm })] });
      try {
        const [p] = idp.providers;
        const tokens = await signIn(p);
        const { protectedHeader } = await verify(p, tokens.id_token);
        assert.equal(protectedHeader.alg, algorithm);
        await control(p, 'next-id-token', { mode: 'unknown_kid' });
        assert.equal(decodeJws((await signIn(p)).id_token).header.alg, algorithm);
      } finally {
        await idp.close();
      }
    });
  }

  test('citizen IDs: 12 digits with a province code 001-096', () => {
    for (const good of ['001090012345', '096123456789', '079200000001']) assert.ok(isCitizenId(good), good);
    for (const bad of ['000090012345', '097090012345', '00109001234', '0010900123456', '00109001234a', 12, undefined]) {
      assert.ok(!isCitizenId(bad), String(bad));
    }
  });

  test('a citizen account without a valid national_id is refused', async () => {
    const spec = providerSpec('bad', 'citizen', { accounts: [{ ...citizen, national_id: '123' }] });
    await assert.rejects(startProviders({ providers: [spec] }), /national_id/);
  });
});
