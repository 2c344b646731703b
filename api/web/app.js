// app.js: starts the front end. Loads the language and the session, then
// renders the route the URL fragment names inside the page frame.
//
// The app is split into sections, each a folder exporting `routes`
// (see lib/router.js): common/ (sign-in, not found), citizen/ (catalogue,
// submitting, my dossiers, verification). A new section (staff/, admin/)
// exports its routes and is added to kSections below; its nav entries appear
// for the roles it names.

import { html, render, useEffect, useState } from '/web/lib/html.js';
import { initLanguage, onLanguageChange, t } from '/web/lib/i18n.js';
import { currentSession, loadSession, onSessionChange } from '/web/lib/session.js';
import { resolve, useLocation } from '/web/lib/router.js';
import { Layout, NotFoundPage, SignInPrompt } from '/web/lib/ui.js';
import { routes as commonRoutes } from '/web/common/routes.js';
import { routes as citizenRoutes } from '/web/citizen/routes.js';
import { routes as clerkRoutes } from '/web/clerk/routes.js';
import { routes as leaderRoutes } from '/web/leader/routes.js';
import { routes as adminRoutes } from '/web/admin/routes.js';

const kSections = [citizenRoutes, clerkRoutes, leaderRoutes, adminRoutes, commonRoutes];
const kRoutes = kSections.flat();

// May the current session open `route`? Routes say `signedIn: true` or list
// `roles`; public routes say neither.
function allowed(route, session) {
  if (route.roles) return Boolean(session?.roles?.some((role) => route.roles.includes(role)));
  if (route.signedIn) return Boolean(session);
  return true;
}

function navFor(session) {
  return kRoutes
    .filter((route) => route.nav && allowed(route, session))
    .map((route) => ({ href: `#${route.path}`, label: t(route.nav.label) }));
}

function App() {
  const location = useLocation();
  const [, setTick] = useState(0);
  useEffect(() => {
    const rerender = () => setTick((tick) => tick + 1);
    const stopLanguage = onLanguageChange(rerender);
    const stopSession = onSessionChange(rerender);
    return () => {
      stopLanguage();
      stopSession();
    };
  }, []);
  const session = currentSession();
  const match = resolve(kRoutes, location.path);
  let page;
  if (!match) {
    page = html`<${NotFoundPage} />`;
  } else if (!allowed(match.route, session)) {
    page = session ? html`<${NotFoundPage} />` : html`<${SignInPrompt} />`;
  } else {
    const Page = match.route.page;
    // The key remounts the page on every navigation, so titles take focus.
    page = html`<${Page} key=${location.path + location.query} params=${match.params} query=${location.query} />`;
  }
  document.title = `${match?.route.title ? `${t(match.route.title)} · ` : ''}${t('app.name')}`;
  return html`<${Layout} nav=${navFor(session)} activePath=${location.path}>${page}<//>`;
}

async function start() {
  await initLanguage();
  try {
    await loadSession();
  } catch {
    // The server is unreachable; pages show their own errors.
  }
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} />`, root);
}

start();
