// router.js: client routing in the URL fragment ("#/dossiers/CODE").
//
// The server serves only "/" and "/web/..." (api/web_routes.h), so every page
// of the app is a fragment route: reloads and shared links work without a
// server-side catch-all. Routes are {path, page, title?, roles?}; a path has
// literal segments and ":name" parameters. A section of the app (citizen/,
// later staff/ or admin/) exports its routes and app.js lists them.

import { useEffect, useState } from '/web/lib/html.js';

// The current route: {path, params (from ":name"), query (URLSearchParams)}.
export function parseHash(hash = window.location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(search) };
}

function matchPath(pattern, path) {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) {
      return null;
    }
  }
  return params;
}

// The first route matching `path`, with its params; null when none does.
export function resolve(routes, path) {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

// A link target for `path` (with optional query object).
export function href(path, query) {
  const search = query ? new URLSearchParams(query).toString() : '';
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path, query) {
  window.location.hash = href(path, query).slice(1);
}

// Re-renders on every fragment change.
export function useLocation() {
  const [location, setLocation] = useState(parseHash());
  useEffect(() => {
    const update = () => setLocation(parseHash());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return location;
}

// A path segment for a value (dossier codes, procedure codes).
export function segment(value) {
  return encodeURIComponent(value);
}
