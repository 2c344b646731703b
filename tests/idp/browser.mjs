// browser.mjs: a headless "browser" for sign-in tests, over Node's fetch:
// a cookie jar and redirects followed by hand, so a test sees (and can stop
// at, or replay) every hop between motcua and the provider.
//
// The jar keeps cookies per host name like a real browser (RFC 6265: ports
// do not separate cookies), honours Path, Max-Age/Expires (a cookie set
// already expired is removed) and sends each name once per request. Domain,
// Secure and SameSite are ignored (every host here is 127.0.0.1 over http).
//
// Example:
//   const browser = new Browser();
//   const { hops, response } = await browser.signIn(`${motcua}/v1/auth/vneid/login`, 'citizen-1');
//   // response: motcua's answer to its callback (303 with the session cookie)
//   const csrf = (await browser.json(`${motcua}/v1/session`)).csrf_token;
export class Browser {
  constructor() {
    this.cookies = []; // {host, name, value, path}
  }

  // The jar's value for `name` on `url`'s host, if any.
  cookie(url, name) {
    const { hostname, pathname } = new URL(url);
    return this.cookies.find((c) => c.host === hostname && c.name === name && pathname.startsWith(c.path))?.value;
  }

  // Sets (or with value null, removes) a cookie as a test would by hand.
  setCookie(url, name, value, path = '/') {
    const host = new URL(url).hostname;
    this.cookies = this.cookies.filter((c) => !(c.host === host && c.name === name && c.path === path));
    if (value !== null) this.cookies.push({ host, name, value, path });
  }

  #store(url, setCookieHeaders) {
    for (const header of setCookieHeaders) {
      const [pair, ...attributes] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      let value = pair.slice(eq + 1);
      let path = '/';
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.split('=');
        const lower = key.toLowerCase();
        if (lower === 'path') path = val || '/';
        if (lower === 'max-age' && Number(val) <= 0) value = null;
        if (lower === 'expires' && Date.parse(val) <= Date.now()) value = null;
      }
      this.setCookie(url, name, value, path);
    }
  }

  #cookieHeader(url) {
    const { hostname, pathname } = new URL(url);
    const sent = new Map();
    // Longer paths first, as browsers order them.
    for (const c of [...this.cookies].sort((a, b) => b.path.length - a.path.length)) {
      if (c.host === hostname && pathname.startsWith(c.path) && !sent.has(c.name)) sent.set(c.name, c.value);
    }
    return [...sent].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  // One request, no redirect followed; the jar is read and updated.
  // `options` are fetch's (method, headers, body).
  async request(url, options = {}) {
    const headers = new Headers(options.headers);
    const cookie = this.#cookieHeader(url);
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
    const response = await fetch(url, { ...options, headers, redirect: 'manual' });
    this.#store(url, response.headers.getSetCookie());
    return response;
  }

  // GET `url` and the JSON answer (throws on a non-2xx).
  async json(url, options = {}) {
    const response = await this.request(url, options);
    const text = await response.text();
    if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  // Follows redirects from `url` while `follow(hop)` says so (default: all),
  // at most `max` of them. Returns {hops: [{url, status, location}], response}
  // where response is the last one fetched (body unread).
  async navigate(url, { follow = () => true, max = 20, rewrite = (u) => u } = {}) {
    const hops = [];
    let current = url;
    for (;;) {
      const response = await this.request(current);
      const location = response.headers.get('location');
      const hop = { url: current, status: response.status, location: location && new URL(location, current).href };
      hops.push(hop);
      if (!location || response.status < 300 || response.status > 399 || !follow(hop)) return { hops, response };
      if (hops.length > max) throw new Error(`more than ${max} redirects from ${url}`);
      await response.arrayBuffer();
      current = rewrite(hop.location);
    }
  }

  // A whole sign-in: motcua's login URL, the provider's authorization
  // endpoint, its interaction page (signing in as `account` with
  // ?login=ACCOUNT, consent is automatic; or, with `deny`, saying no), back
  // to motcua's callback. `stopAtCallback` stops before the callback is
  // fetched (the last hop's location is then the callback URL with code
  // and state).
  async signIn(loginUrl, account, { stopAtCallback = false, deny = false } = {}) {
    const motcuaOrigin = new URL(loginUrl).origin;
    const isCallback = (u) => u && new URL(u).origin === motcuaOrigin && new URL(u).pathname.endsWith('/callback');
    return this.navigate(loginUrl, {
      follow: (hop) => !(stopAtCallback && isCallback(hop.location)) && !isMotcuaFinal(hop, motcuaOrigin),
      rewrite: (u) => {
        const next = new URL(u);
        if (/^\/interaction\/[^/]+$/.test(next.pathname) && !next.searchParams.has('login')) {
          next.searchParams.set(deny ? 'deny' : 'login', deny ? '1' : account);
        }
        return next.href;
      },
    });
  }
}

// The callback's redirect to the return_to path ends a sign-in: a test looks
// at it rather than at the page behind it.
function isMotcuaFinal(hop, motcuaOrigin) {
  return new URL(hop.url).origin === motcuaOrigin && new URL(hop.url).pathname.endsWith('/callback');
}
