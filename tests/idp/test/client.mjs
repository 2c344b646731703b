// client.mjs: a plain OAuth client for the self-tests: an authorization
// request through the headless browser, and token requests by hand, so each
// step can be left out or changed.
import { createHash, randomBytes } from 'node:crypto';
import { Browser } from '../browser.mjs';

export const redirectUri = 'http://127.0.0.1:9/cb'; // never fetched
export const client = { client_id: 'plain', client_secret: 'plain-secret-0123456789abcdef', redirect_uris: [redirectUri] };

export const random = () => randomBytes(32).toString('base64url');
export const challengeOf = (verifier) => createHash('sha256').update(verifier).digest('base64url');

// Runs the authorization request of `provider` (from startProviders) signing
// in as `account`; `params` override the request's parameters (null drops
// one). Returns {code, state, nonce, verifier, location} from the redirect to
// redirectUri, or {error, location} when the provider answered an error.
export async function authorize(provider, account, params = {}) {
  const verifier = random();
  const query = {
    response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope: 'openid profile',
    state: random(), nonce: random(), code_challenge: challengeOf(verifier), code_challenge_method: 'S256', ...params,
  };
  const url = new URL(`${provider.issuer}/auth`);
  for (const [k, v] of Object.entries(query)) if (v !== null) url.searchParams.set(k, v);
  const { hops } = await new Browser().navigate(url.href, {
    follow: (hop) => !hop.location.startsWith(redirectUri),
    rewrite: (u) => (/\/interaction\/[^/?]+$/.test(u) ? `${u}?login=${account}` : u),
  });
  const location = new URL(hops.at(-1).location ?? hops.at(-1).url);
  const answer = Object.fromEntries(location.searchParams);
  return { ...answer, nonce: query.nonce, sentState: query.state, verifier, location: location.href };
}

// POSTs the token request for `code` (client_secret_basic); `params`
// override (null drops one). Returns {status, body}.
export async function redeem(provider, code, verifier, params = {}) {
  const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, ...params };
  const body = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== null));
  const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
  const response = await fetch(`${provider.issuer}/token`, {
    method: 'POST', body, headers: { authorization: `Basic ${basic}` },
  });
  return { status: response.status, body: await response.json() };
}
