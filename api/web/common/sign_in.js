// sign_in.js: the sign-in page. Lists the OpenID providers
// (GET /v1/auth/providers) and, when the server runs in demo mode
// (GET /v1/demo/accounts answers 200), the demo accounts. Both end in the
// same browser session; afterwards the page goes to `next` (a fragment path).

import { html, useState } from '/web/lib/html.js';
import { getJson } from '/web/lib/api.js';
import { language, t } from '/web/lib/i18n.js';
import { demoSignIn } from '/web/lib/session.js';
import { navigate } from '/web/lib/router.js';
import { Alert, Loading, PageTitle, ProblemAlert, useAsync } from '/web/lib/ui.js';

async function optionalJson(path) {
  try {
    return await getJson(path);
  } catch {
    return null; // 404 without demo mode, or no providers configured
  }
}

// Only fragment paths ("/dossiers") are followed, never another origin.
function safeNext(query) {
  const next = query.get('next') ?? '';
  return /^\/[A-Za-z0-9/_.~%-]*$/.test(next) && !next.startsWith('//') ? next : '/dossiers';
}

function loginHref(provider, next) {
  const url = new URL(provider.login_url, window.location.origin);
  url.searchParams.set('return_to', `/#${next}`);
  return url.pathname + url.search;
}

export function SignInPage({ query }) {
  const next = safeNext(query);
  const choices = useAsync(
    async () => {
      const [demo, providers] = await Promise.all([
        optionalJson('/v1/demo/accounts'),
        optionalJson('/v1/auth/providers'),
      ]);
      return { accounts: demo?.accounts ?? null, providers: providers?.providers ?? [] };
    },
    [],
  );
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(null);

  const signInAs = async (account) => {
    setBusy(account.user_id);
    setError(null);
    try {
      await demoSignIn(account.user_id);
      navigate(next);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  let body;
  if (choices.loading) {
    body = html`<${Loading} />`;
  } else {
    const { accounts, providers } = choices.data;
    body = html`
      ${providers.length > 0 &&
      html`<section class="panel" aria-labelledby="providers-heading">
        <h2 id="providers-heading">${t('signin.providers')}</h2>
        <ul class="choice-list">
          ${providers.map(
            (provider) => html`<li><a class="button" href=${loginHref(provider, next)}>
              ${t('signin.with_provider', { provider: provider.id })}
              <span class="muted"> (${t(`signin.kind_${provider.kind}`)})</span></a></li>`,
          )}
        </ul>
      </section>`}
      ${accounts &&
      html`<section class="panel" aria-labelledby="demo-heading">
        <h2 id="demo-heading">${t('signin.demo')}</h2>
        <${Alert} kind="warning">${t('signin.demo_warning')}<//>
        <ul class="choice-list">
          ${accounts.map(
            (account) => html`<li><button type="button" class="button button-block"
                disabled=${busy !== null} onClick=${() => signInAs(account)}
                data-user=${account.user_id}>
              <strong>${language() === 'en' ? account.label_en : account.label_vi}</strong>
              <span class="muted"> · ${account.name || account.user_id}</span></button></li>`,
          )}
        </ul>
      </section>`}
      ${providers.length === 0 && !accounts && html`<p>${t('signin.none')}</p>`}`;
  }
  return html`<section>
    <${PageTitle}>${t('signin.title')}<//>
    <${ProblemAlert} error=${error} />
    ${body}
  </section>`;
}
