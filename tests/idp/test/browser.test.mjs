// The headless browser's cookie jar and redirect handling.
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { Browser } from '../browser.mjs';

// Two servers on 127.0.0.1 (cookies are shared across ports); each answers
// /set?c=SET-COOKIE, /echo (the Cookie header it got), /hop?n=N (redirects N times).
const servers = [];
before(async () => {
  for (let i = 0; i < 2; i += 1) {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/set') res.setHeader('set-cookie', url.searchParams.getAll('c'));
      if (url.pathname.startsWith('/hop') && Number(url.searchParams.get('n')) > 0) {
        res.writeHead(302, { location: `/hop?n=${Number(url.searchParams.get('n')) - 1}` });
        return res.end();
      }
      res.end(req.headers.cookie ?? '');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push({ server, base: `http://127.0.0.1:${server.address().port}` });
  }
});
after(() => servers.forEach(({ server }) => server.close()));

const echo = async (browser, url) => (await browser.request(url)).text();

test('cookies are kept per host (not port), by path, and removed when expired', async () => {
  const [a, b] = servers;
  const browser = new Browser();
  await browser.request(`${a.base}/set?c=${encodeURIComponent('s=1; Path=/; HttpOnly')}&c=${encodeURIComponent('p=2; Path=/deep')}`);
  assert.equal(await echo(browser, `${a.base}/echo`), 's=1');
  assert.equal(await echo(browser, `${b.base}/echo`), 's=1', 'shared across ports like a browser');
  assert.equal(await echo(browser, `${a.base}/deep/x`), 'p=2; s=1');
  await browser.request(`${a.base}/set?c=${encodeURIComponent('s=; Max-Age=0; Path=/')}`);
  assert.equal(await echo(browser, `${a.base}/echo`), '');
  await browser.request(`${a.base}/set?c=${encodeURIComponent('e=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT')}`);
  assert.equal(browser.cookie(a.base, 'e'), undefined);
  assert.equal(await echo(new Browser(), `${a.base}/echo`), '', 'browsers do not share jars');
});

test('a name is sent once even when set on two paths', async () => {
  const [a] = servers;
  const browser = new Browser();
  browser.setCookie(a.base, 'x', 'root', '/');
  browser.setCookie(a.base, 'x', 'deep', '/deep');
  assert.equal(await echo(browser, `${a.base}/deep/y`), 'x=deep');
});

test('navigate records every hop and stops where told', async () => {
  const [a] = servers;
  const all = await new Browser().navigate(`${a.base}/hop?n=3`);
  assert.deepEqual(all.hops.map((h) => h.status), [302, 302, 302, 200]);
  assert.equal(all.hops[0].location, `${a.base}/hop?n=2`);
  const stopped = await new Browser().navigate(`${a.base}/hop?n=3`, { follow: (hop) => !hop.location.endsWith('n=1') });
  assert.equal(stopped.hops.length, 2);
  await assert.rejects(new Browser().navigate(`${a.base}/hop?n=30`, { max: 5 }), /more than 5 redirects/);
});
