// session.js: who is signed in, shared by every page.
//
// The session is GET /v1/session (cookie): user_id, name, roles, agency,
// csrf_token, expires_at; null when nobody is signed in (401). Sign-in starts
// it elsewhere (OIDC redirects, or POST /v1/demo/sign-in in demo mode), and
// both end here with the same browser session.

import { api, ApiError, setCsrfToken } from '/web/lib/api.js';

let session = null;
const listeners = new Set();

function publish(next) {
  session = next;
  setCsrfToken(next?.csrf_token);
  listeners.forEach((listener) => listener(session));
}

export function currentSession() {
  return session;
}

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function hasRole(role) {
  return session?.roles?.includes(role) ?? false;
}

// Asks the server; resolves with the session or null.
export async function loadSession() {
  try {
    const { data } = await api('GET', '/v1/session');
    publish(data);
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 404)) throw error;
    publish(null);
  }
  return session;
}

// Demo mode: signs in as a listed demo account (docs: demo-contract).
export async function demoSignIn(userId) {
  const { data } = await api('POST', '/v1/demo/sign-in', { json: { user_id: userId } });
  publish(data);
  return data;
}

// Ends the session; follows the provider's logout URL when there is one.
export async function signOut() {
  let providerLogout = null;
  try {
    const { data } = await api('POST', '/v1/session/logout');
    providerLogout = data?.logout_url ?? null;
  } finally {
    publish(null);
  }
  if (providerLogout) window.location.assign(providerLogout);
}
