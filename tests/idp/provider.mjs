// provider.mjs: real OpenID Providers (the certified npm `oidc-provider`) on
// 127.0.0.1 for motcua's sign-in tests; several in one process (e.g. a
// citizen one like VNeID and a staff one like an agency's Keycloak), each on
// its own port.
//
// Command line:  node provider.mjs CONFIG.json [--ready-file FILE]
//   prints one JSON line {"providers":[{"id","kind","issuer","port"}]} on
//   stdout once every provider listens (and writes it to FILE), then runs
//   until SIGINT/SIGTERM.
// Module:        const idp = await startProviders(config); ... await idp.close();
//
// CONFIG is {"providers": [PROVIDER, ...]}, each PROVIDER:
//   id         name used in the ready line (and in cookie names)
//   kind       "citizen" or "staff"
//   port       0 (default) picks a free port
//   algorithm  ID token signing: "RS256" (default), "PS256", "ES256", "EdDSA"
//   clients    [{client_id, client_secret, redirect_uris, post_logout_redirect_uris,
//                token_endpoint_auth_method (default "client_secret_basic")}]
//   accounts   citizen: [{sub, national_id, name, birthdate}], national_id a
//              valid 12-digit citizen ID (province code 001-096 first);
//              staff: [{sub, name}]
// The issuer is http://127.0.0.1:PORT (no trailing slash).
//
// Behaviour: authorization code flow only, PKCE S256 required, claims in the
// ID token (national_id with scope openid; name, birthdate with profile),
// consent granted automatically, RP-initiated logout enabled.
// Headless login: the authorization endpoint redirects to
// /interaction/UID; GET /interaction/UID?login=SUB (or a form POST of
// login=SUB to /interaction/UID) signs SUB in; ?deny=1 ends the attempt with
// error=access_denied; a bare GET shows a small HTML form.
// Test control (loopback only, like everything here):
//   POST /__test/rotate-keys       {"algorithm"?}: a new key with a new kid
//                                  replaces the old one, which leaves the JWKS;
//                                  answers {"old_kid","kid"}
//   POST /__test/next-id-token     a forge description (forge.mjs): the next
//                                  token response's id_token is replaced by
//                                  the real one forged accordingly; 204
//                                  (400 for an unknown mode)
//   GET  /__test/forged            the last forged {"real","forged"} tokens (or {})
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { forgeIdToken, forgeModes, keyOptions } from './forge.mjs';

export const signingAlgorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];

// A citizen ID (căn cước): 12 digits, the first three a province code 001-096.
export function isCitizenId(value) {
  return typeof value === 'string' && /^\d{12}$/.test(value) &&
    Number(value.slice(0, 3)) >= 1 && Number(value.slice(0, 3)) <= 96;
}

function validate(spec) {
  if (!/^[a-z0-9_-]{1,32}$/.test(spec.id ?? '')) throw new Error(`provider id ${spec.id} is invalid`);
  if (!['citizen', 'staff'].includes(spec.kind)) throw new Error(`${spec.id}: kind must be citizen or staff`);
  if (!signingAlgorithms.includes(spec.algorithm ?? 'RS256')) throw new Error(`${spec.id}: unknown algorithm`);
  if (!spec.clients?.length) throw new Error(`${spec.id}: needs clients`);
  for (const account of spec.accounts ?? []) {
    if (!account.sub) throw new Error(`${spec.id}: an account has no sub`);
    if (spec.kind === 'citizen' && !isCitizenId(account.national_id)) {
      throw new Error(`${spec.id}: account ${account.sub} has no valid 12-digit national_id`);
    }
  }
}

async function newSigningKey(alg) {
  const { privateKey } = await generateKeyPair(alg, keyOptions(alg));
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}` };
}

// The claims an account releases; the ID token carries those its scopes allow.
function accountClaims(kind, account) {
  const claims = { sub: account.sub, name: account.name };
  if (kind === 'citizen') Object.assign(claims, { national_id: account.national_id, birthdate: account.birthdate });
  return claims;
}

// An oidc-provider instance for `spec` signing with `key`. Built again on key
// rotation; sessions, codes and grants live in oidc-provider's process-wide
// memory adapter and the cookie keys stay, so logins in progress survive.
function buildProvider(spec, issuer, key, cookieKey) {
  const accounts = new Map((spec.accounts ?? []).map((a) => [a.sub, a]));
  const provider = new Provider(issuer, {
    clients: spec.clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
      id_token_signed_response_alg: key.alg,
    })),
    jwks: { keys: [key] },
    findAccount: (ctx, sub) => accounts.has(sub)
      ? { accountId: sub, claims: () => accountClaims(spec.kind, accounts.get(sub)) }
      : undefined,
    claims: {
      openid: spec.kind === 'citizen' ? ['sub', 'national_id'] : ['sub'],
      profile: spec.kind === 'citizen' ? ['name', 'birthdate'] : ['name'],
    },
    conformIdTokenClaims: false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
    responseTypes: ['code'],
    pkce: { methods: ['S256'], required: () => true },
    enabledJWA: { idTokenSigningAlgValues: signingAlgorithms },
    cookies: {
      keys: [cookieKey],
      names: { session: `_session_${spec.id}`, interaction: `_interaction_${spec.id}`, resume: `_resume_${spec.id}` },
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // Consent is granted automatically: the grant holds every scope asked for.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!ctx.oidc.session.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  return provider;
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// One provider: its HTTP server, the current oidc-provider instance, the
// pending forge description.
async function startOne(spec) {
  validate(spec);
  const state = { key: await newSigningKey(spec.algorithm ?? 'RS256'), nextForge: null, lastForged: {} };
  const cookieKey = randomBytes(32).toString('hex');
  const server = http.createServer();
  await new Promise((resolve) => server.listen(spec.port ?? 0, '127.0.0.1', resolve));
  const port = server.address().port;
  const issuer = `http://127.0.0.1:${port}`;
  const install = () => {
    state.provider = buildProvider(spec, issuer, state.key, cookieKey);
    state.provider.on('server_error', (ctx, err) => console.error(`${spec.id}: ${err.stack}`));
    // Replaces the id_token of the next token response, if a test asked.
    state.provider.use(async (ctx, next) => {
      await next();
      if (ctx.oidc?.route !== 'token' || !ctx.body?.id_token || !state.nextForge) return;
      const description = state.nextForge;
      state.nextForge = null;
      const clientSecret = ctx.oidc.client?.clientSecret;
      const forged = await forgeIdToken(ctx.body.id_token, description, { privateJwk: state.key, alg: state.key.alg, clientSecret, previousJwk: state.previousKey });
      state.lastForged = { real: ctx.body.id_token, forged };
      ctx.body = { ...ctx.body, id_token: forged };
    });
    state.callback = state.provider.callback();
  };
  install();

  const interaction = async (req, res, url, uid) => {
    const provider = state.provider;
    const form = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return sendJson(res, 400, { error: 'interaction_mismatch' });
    if (form.get('deny')) {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user said no' });
    }
    const login = form.get('login');
    if (details.prompt.name === 'login' && !login) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(`<form method="post" action="/interaction/${uid}"><input name="login"><button>Sign in</button></form>`);
    }
    if (login && !(spec.accounts ?? []).some((a) => a.sub === login)) return sendJson(res, 400, { error: 'unknown_account' });
    const result = login ? { login: { accountId: login } } : {};
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  };

  const control = async (req, res, path) => {
    if (req.method === 'POST' && path === '/__test/rotate-keys') {
      const body = JSON.parse((await readBody(req)) || '{}');
      state.previousKey = state.key;
      state.key = await newSigningKey(body.algorithm ?? state.key.alg);
      install();
      return sendJson(res, 200, { old_kid: state.previousKey.kid, kid: state.key.kid });
    }
    if (req.method === 'POST' && path === '/__test/next-id-token') {
      const description = JSON.parse(await readBody(req));
      if (!forgeModes.includes(description.mode ?? 'sign')) return sendJson(res, 400, { error: 'unknown mode' });
      state.nextForge = description;
      return sendJson(res, 204);
    }
    if (req.method === 'GET' && path === '/__test/forged') return sendJson(res, 200, state.lastForged);
    return sendJson(res, 404, { error: 'no such test control' });
  };

  server.on('request', (req, res) => {
    const url = new URL(req.url, issuer);
    const uid = /^\/interaction\/([^/]+)$/.exec(url.pathname)?.[1];
    const handled = url.pathname.startsWith('/__test/') ? control(req, res, url.pathname)
      : uid ? interaction(req, res, url, uid)
        : Promise.resolve(state.callback(req, res));
    handled.catch((err) => {
      console.error(`${spec.id}: ${err.stack}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: err.message });
    });
  });
  return { id: spec.id, kind: spec.kind, issuer, port, server, state };
}

// Starts every provider of `config` (see the file comment).
export async function startProviders(config) {
  const started = [];
  for (const spec of config.providers ?? []) started.push(await startOne(spec));
  return {
    providers: started,
    ready: { providers: started.map(({ id, kind, issuer, port }) => ({ id, kind, issuer, port })) },
    byId: (id) => started.find((p) => p.id === id),
    close: () => Promise.all(started.map((p) => new Promise((resolve) => {
      p.server.closeAllConnections();
      p.server.close(resolve);
    }))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [configPath, flag, readyFile] = process.argv.slice(2);
  if (!configPath || (flag && flag !== '--ready-file')) {
    console.error('usage: node provider.mjs CONFIG.json [--ready-file FILE]');
    process.exit(2);
  }
  const idp = await startProviders(JSON.parse(await readFile(configPath, 'utf8')));
  const line = JSON.stringify(idp.ready);
  if (readyFile) await writeFile(readyFile, `${line}\n`);
  console.log(line);
  const stop = () => idp.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
