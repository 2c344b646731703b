// ui.js: the shared pieces every page is built from: the page frame
// (landmarks, skip link, language switch, sign-out), headings that take focus
// on navigation, alerts for API problems, form fields that show the server's
// field errors, progress bars, status badges, and useAsync for loading data.

import { html, useEffect, useRef, useState } from '/web/lib/html.js';
import { formatDateTime, t, tOr, language, loc, setLanguage, statusLabel } from '/web/lib/i18n.js';
import { ApiError } from '/web/lib/api.js';
import { currentSession, signOut } from '/web/lib/session.js';
import { href, navigate } from '/web/lib/router.js';

// Loads with `load()` whenever `deps` change: {data, error, loading, reload}.
export function useAsync(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, generation]);
  return { ...state, reload: () => setGeneration((g) => g + 1) };
}

// The page's h1; it takes focus when the page opens, so screen readers
// announce the new page and keyboard users start from its top.
export function PageTitle({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t('common.loading')}</p>`;
}

export function Alert({ kind = 'error', children }) {
  const role = kind === 'error' ? 'alert' : 'status';
  return html`<div class="alert alert-${kind}" role=${role}>${children}</div>`;
}

// The words for a failure's HTTP status when its reason has none.
const kStatusWords = {
  0: 'error.network', 400: 'error.bad_request', 401: 'error.unauthenticated', 403: 'error.forbidden',
  404: 'error.not_found', 408: 'error.timeout', 409: 'error.conflict', 412: 'error.stale', 413: 'error.too_large',
  415: 'error.media_type', 422: 'error.validation', 429: 'error.busy', 500: 'error.internal', 503: 'error.unavailable',
};

// The reason a problem names: the last segment of its `type`
// (https://motcua.example/problems/<reason>, engine/domain/error_reason.h and
// api/problem.cc); "" when there is none.
export function problemReason(error) {
  const type = String(error?.problem?.type ?? '');
  return type.startsWith('https://motcua.example/problems/') ? type.slice(type.lastIndexOf('/') + 1) : '';
}

// The sentence for an API failure, in the reader's language: the problem
// reason's (`problem.<reason>` in i18n/*.json), else its status's, else a
// generic one. The server's English `detail` is never the sentence; it is
// shown beside it (ProblemDetail) for support staff.
export function problemText(error) {
  if (!(error instanceof ApiError)) return t('error.network');
  const reason = problemReason(error);
  const byReason = reason ? tOr(`problem.${reason}`, null) : null;
  return byReason ?? (kStatusWords[error.status] ? t(kStatusWords[error.status]) : t('error.generic'));
}

// The server's own (English) words for a failure: folded away under
// "technical detail" in Vietnamese, shown as they are in English.
export function ProblemDetail({ error }) {
  const detail = error instanceof ApiError ? error.problem.detail : '';
  if (!detail) return null;
  if (language() === 'en') return html`<p class="problem-detail">${detail}</p>`;
  return html`<details class="problem-detail"><summary>${t('error.technical_detail')}</summary>
    <p lang="en">${detail}</p></details>`;
}

export function ProblemAlert({ error }) {
  if (!error) return null;
  return html`<${Alert}><p>${problemText(error)}</p><${ProblemDetail} error=${error} /><//>`;
}

// The page for a dossier or procedure the caller may not see: the server
// answers 404 (or 403) and this page shows nothing of the data.
export function NotFoundPage({ error }) {
  const forbidden = error instanceof ApiError && error.status === 403;
  return html`<section class="panel">
    <${PageTitle}>${t(forbidden ? 'error.forbidden_title' : 'error.not_found_title')}<//>
    <p>${t(forbidden ? 'error.forbidden' : 'error.not_found')}</p>
    <p><a href="#/">${t('nav.home')}</a></p>
  </section>`;
}

// Shows the API failure a page load ended with: the not-found page for
// 403/404, the sign-in prompt for 401, an alert otherwise.
export function LoadFailure({ error }) {
  if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
    return html`<${NotFoundPage} error=${error} />`;
  }
  if (error instanceof ApiError && error.status === 401) return html`<${SignInPrompt} />`;
  return html`<${ProblemAlert} error=${error} />`;
}

export function SignInPrompt() {
  const back = window.location.hash || '#/';
  return html`<section class="panel">
    <${PageTitle}>${t('signin.required_title')}<//>
    <p>${t('signin.required')}</p>
    <p><a class="button" href=${href('/sign-in', { next: back.slice(1) })}>${t('nav.sign_in')}</a></p>
  </section>`;
}

// A labelled form control with its hint and its (server or local) error.
// `children` is the control; it must carry id=${id} and
// aria-describedby=${describedBy(id, hint, error)}.
export function Field({ id, label, required, hint, error, children }) {
  return html`<div class=${`field${error ? ' field-invalid' : ''}`}>
    <label for=${id}>${label}${required ? html`<span class="required" aria-hidden="true"> *</span>` : ''}</label>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : ''}
    ${children}
    ${error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : ''}
  </div>`;
}

export function describedBy(id, hint, error) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function ProgressBar({ value, label }) {
  const percent = Math.round((value ?? 0) * 100);
  return html`<div class="progress">
    <progress max="100" value=${percent} aria-label=${label}>${percent}%</progress>
    <span class="progress-text">${percent}%</span>
  </div>`;
}

// The national status code and its plain-language label.
export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`}>
    <span class="badge-code">${t('status.code', { code: status })}</span> ${statusLabel(status)}
  </span>`;
}

// The parallel branches of an inter-agency (liên thông) dossier, as its
// `branches` lists them: one item per agency, with where its branch stands
// and its progress. Renders nothing for a dossier without branches.
export function Branches({ branches }) {
  if (!branches?.length) return null;
  const progress = (branch) =>
    branch.ended ? t(`branch.${branch.outcome}`) : t('branch.running');
  return html`<section class="panel" aria-labelledby="branches-heading">
    <h2 id="branches-heading">${t('branch.title')}</h2>
    <p class="muted">${t('branch.explain')}</p>
    <ul class="branch-list">
      ${branches.map((branch) => html`<li key=${branch.id} data-branch=${branch.id}>
        <span class=${`badge ${branch.ended ? `branch-${branch.outcome}` : 'branch-running'}`}>${progress(branch)}</span>
        ${branch.late && html`<span class="badge branch-refused">${t('branch.late')}</span>`}
        <span class="branch-step">${loc(branch.state_title, branch.state)}</span>
        <span class="muted">${t('branch.agency')}: ${branch.handling_agency}</span>
        ${branch.due_at && html`<span class="muted">${t('branch.due', { at: formatDateTime(branch.due_at) })}</span>`}
        ${branch.result_document && html`<a href=${`/v1/documents/${encodeURIComponent(branch.result_document)}`}
          download=${`${branch.id}.pdf`}>${t('branch.result')}</a>`}
      </li>`)}
    </ul>
  </section>`;
}

function LanguageSwitch() {
  const other = language() === 'vi' ? 'en' : 'vi';
  return html`<button type="button" class="link-button" lang=${other}
      onClick=${() => setLanguage(other)}>${t(`lang.switch_to_${other}`)}</button>`;
}

function UserMenu() {
  const session = currentSession();
  if (!session) {
    return html`<a class="button button-small" href="#/sign-in">${t('nav.sign_in')}</a>`;
  }
  const onSignOut = async () => {
    await signOut();
    navigate('/');
  };
  return html`<span class="user">
    <span class="user-name">${session.name || session.user_id}</span>
    <button type="button" class="button button-small button-secondary" onClick=${onSignOut}>${t('nav.sign_out')}</button>
  </span>`;
}

// The frame around every page. `nav` lists {href, label} links the signed-in
// roles may use (app.js builds it from the sections' routes).
export function Layout({ nav, activePath, children }) {
  return html`<a class="skip-link" href="#main" onClick=${(event) => {
      event.preventDefault();
      document.getElementById('main')?.focus();
    }}>${t('common.skip_to_content')}</a>
    <header class="site-header">
      <div class="header-inner">
        <a class="brand" href="#/">
          <img src="/web/favicon.svg" alt="" width="32" height="32" />
          <span>${t('app.name')}</span>
        </a>
        <div class="header-tools">
          <${LanguageSwitch} />
          <${UserMenu} />
        </div>
      </div>
      <nav class="site-nav" aria-label=${t('nav.label')}>
        <ul>
          ${nav.map(
            (item) => html`<li><a href=${item.href}
              aria-current=${activePath === item.href.slice(1) ? 'page' : undefined}>${item.label}</a></li>`,
          )}
        </ul>
      </nav>
    </header>
    <main id="main" tabindex="-1">${children}</main>
    <footer class="site-footer"><p>${t('app.footer')}</p></footer>`;
}

// A submitted form's values as a definition list, each under its field's
// localized title (the field's name when the procedure has none).
// `verifiedFields` (the dossier's identity_data_fields) are marked as data the
// identity provider `verifiedBy` vouched for.
export function FormFacts({ form, properties, verifiedFields = [], verifiedBy = null }) {
  const verified = new Set(verifiedBy ? verifiedFields : []);
  return html`<dl class="facts">
    ${Object.entries(form ?? {}).map(
      ([name, value]) => html`<div><dt>${loc(properties[name]?.title, name)}</dt>
        <dd>${typeof value === 'object' ? JSON.stringify(value) : String(value)}
          ${verified.has(name) ? html` <span class="badge verified" data-verified-field=${name}>${t('identity.verified_by', { provider: verifiedBy })}</span>` : ''}</dd></div>`,
    )}
  </dl>`;
}
