// admin/users.js: the staff of the admin's agency (GET /v1/users): create a
// user, change roles, disable or enable, and each user's tokens (issue one,
// whose secret is shown once; revoke).

import { html, useState } from '/web/lib/html.js';
import { api, ApiError, getJson, newIdempotencyKey } from '/web/lib/api.js';
import { formatDateTime, t } from '/web/lib/i18n.js';
import { currentSession } from '/web/lib/session.js';
import { segment } from '/web/lib/router.js';
import { Alert, Field, LoadFailure, Loading, PageTitle, ProblemAlert, useAsync } from '/web/lib/ui.js';

export const kStaffRoleNames = ['reception_clerk', 'specialist', 'leader', 'admin', 'auditor', 'portal_sync'];

// A user id usable inside element ids.
function idOf(user) {
  return user.id.replace(/[^A-Za-z0-9_-]/g, '_');
}

function RoleChoice({ idPrefix, value, onChange }) {
  const toggle = (role, on) => onChange(on ? [...value, role] : value.filter((r) => r !== role));
  return html`<fieldset class="role-choice">
    <legend>${t('admin.roles')}</legend>
    ${kStaffRoleNames.map((role) => html`<label class="check">
      <input type="checkbox" id=${`${idPrefix}-${role}`} checked=${value.includes(role)}
        onChange=${(e) => toggle(role, e.target.checked)} /> ${t(`clerk.role.${role}`)}</label>`)}
  </fieldset>`;
}

function NewUser({ onDone }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState(['reception_clerk']);
  const [failure, setFailure] = useState(null);
  const errors = failure instanceof ApiError ? failure.fieldErrors() : {};
  const submit = async (event) => {
    event.preventDefault();
    setFailure(null);
    try {
      const body = { id: id.trim(), roles };
      if (name.trim()) body.name = name.trim();
      const agency = currentSession()?.agency;
      if (agency) body.agency = agency;
      await api('POST', '/v1/users', { json: body, idempotencyKey: newIdempotencyKey() });
      setId('');
      setName('');
      onDone(t('admin.user_created', { id: body.id }));
    } catch (error) {
      setFailure(error);
    }
  };
  return html`<details class="panel">
    <summary>${t('admin.new_user')}</summary>
    <form onSubmit=${submit}>
      <${ProblemAlert} error=${failure} />
      <${Field} id="user-id" label=${t('admin.user_id')} required error=${errors['/id']}>
        <input id="user-id" required value=${id} onInput=${(e) => setId(e.target.value)} autocomplete="off" />
      <//>
      <${Field} id="user-name" label=${t('admin.user_name')} error=${errors['/name']}>
        <input id="user-name" value=${name} onInput=${(e) => setName(e.target.value)} autocomplete="off" />
      <//>
      <${RoleChoice} idPrefix="new-role" value=${roles} onChange=${setRoles} />
      <button type="submit" class="button" disabled=${!id.trim() || roles.length === 0}>${t('admin.create_user')}</button>
    </form>
  </details>`;
}

function Tokens({ user }) {
  const loaded = useAsync(() => getJson(`/v1/tokens?user=${encodeURIComponent(user.id)}`), [user.id]);
  const [label, setLabel] = useState('');
  const [days, setDays] = useState('30');
  const [secret, setSecret] = useState(null);
  const [failure, setFailure] = useState(null);
  const issue = async (event) => {
    event.preventDefault();
    setFailure(null);
    try {
      const body = { user_id: user.id, ttl_seconds: Math.round(Number(days) * 86400) };
      if (label.trim()) body.label = label.trim();
      const { data } = await api('POST', '/v1/tokens', { json: body, idempotencyKey: newIdempotencyKey() });
      setSecret(data.token);
      loaded.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  const revoke = async (token) => {
    setFailure(null);
    try {
      await api('DELETE', `/v1/tokens/${segment(token.id)}`);
      loaded.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  const idBase = `token-${idOf(user)}`;
  return html`<div class="tokens">
    <${ProblemAlert} error=${failure} />
    ${secret && html`<${Alert} kind="warning"><p>${t('admin.token_secret')}</p><p><code class="secret">${secret}</code></p><//>`}
    ${loaded.loading ? html`<${Loading} />` : loaded.error ? html`<${ProblemAlert} error=${loaded.error} />` :
      (loaded.data.items ?? []).length === 0 ? html`<p class="muted">${t('admin.no_tokens')}</p>` :
      html`<ul class="token-list">${loaded.data.items.map((token) => html`<li>
        <span>${token.label || token.id.slice(0, 12)}</span>
        <span class="muted">${t('admin.token_expires', { at: formatDateTime(token.expires_at) })}</span>
        ${token.revoked_at ? html`<span class="badge badge-partial">${t('admin.token_revoked')}</span>`
          : html`<button type="button" class="button button-small button-secondary" onClick=${() => revoke(token)}>
            ${t('admin.revoke')}<span class="visually-hidden"> ${token.label || token.id.slice(0, 12)}</span></button>`}
      </li>`)}</ul>`}
    <form class="inline-form" onSubmit=${issue}>
      <${Field} id=${`${idBase}-label`} label=${t('admin.token_label')}>
        <input id=${`${idBase}-label`} value=${label} onInput=${(e) => setLabel(e.target.value)} />
      <//>
      <${Field} id=${`${idBase}-days`} label=${t('admin.token_days')}>
        <input id=${`${idBase}-days`} type="number" min="1" max="365" value=${days} onInput=${(e) => setDays(e.target.value)} />
      <//>
      <button type="submit" class="button button-small">${t('admin.issue_token')}</button>
    </form>
  </div>`;
}

function UserRow({ user, onDone }) {
  const [roles, setRoles] = useState(user.roles);
  const [fingerprint, setFingerprint] = useState(user.certificate_fingerprint ?? '');
  const [open, setOpen] = useState(false);
  const [failure, setFailure] = useState(null);
  const patch = async (changes, message) => {
    setFailure(null);
    try {
      await api('PATCH', `/v1/users/${segment(user.id)}`, { json: changes });
      onDone(message);
    } catch (error) {
      setFailure(error);
    }
  };
  return html`<li class="card user-card">
    <h3 class="card-title">${user.name || user.id} <span class="muted">(${user.id})</span>
      ${user.disabled && html` <span class="badge badge-partial">${t('admin.disabled')}</span>`}</h3>
    <p>${user.roles.map((role) => t(`clerk.role.${role}`)).join(', ')}</p>
    <${ProblemAlert} error=${failure} />
    <div class="button-row">
      <button type="button" class="button button-small button-secondary" aria-expanded=${open ? 'true' : 'false'}
        onClick=${() => setOpen(!open)}>${t('admin.manage')}<span class="visually-hidden"> ${user.id}</span></button>
      <button type="button" class="button button-small button-secondary"
        onClick=${() => patch({ disabled: !user.disabled }, t(user.disabled ? 'admin.enabled_done' : 'admin.disabled_done', { id: user.id }))}>
        ${t(user.disabled ? 'admin.enable' : 'admin.disable')}<span class="visually-hidden"> ${user.id}</span></button>
    </div>
    ${open && html`<div>
      <${RoleChoice} idPrefix=${`roles-${user.id}`} value=${roles} onChange=${setRoles} />
      <button type="button" class="button button-small" onClick=${() => patch({ roles }, t('admin.roles_saved', { id: user.id }))}>${t('admin.save_roles')}</button>
      <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); patch({ certificate_fingerprint: fingerprint.trim().toLowerCase() }, t('admin.certificate_saved', { id: user.id })); }}>
        <${Field} id=${`cert-${idOf(user)}`} label=${t('admin.certificate')} hint=${t('admin.certificate_hint')}>
          <input id=${`cert-${idOf(user)}`} value=${fingerprint} onInput=${(e) => setFingerprint(e.target.value)}
            autocomplete="off" spellcheck="false" aria-describedby=${`cert-${idOf(user)}-hint`} />
        <//>
        <button type="submit" class="button button-small">${t('admin.certificate_save')}</button>
      </form>
      <h4>${t('admin.tokens')}</h4>
      <${Tokens} user=${user} />
    </div>`}
  </li>`;
}

export function UsersPage() {
  const loaded = useAsync(() => getJson('/v1/users'), []);
  const [notice, setNotice] = useState(null);
  const done = (message) => {
    setNotice(message);
    loaded.reload();
  };
  return html`<section>
    <${PageTitle}>${t('admin.users_title')}<//>
    <p class="lead">${t('admin.users_intro', { agency: currentSession()?.agency ?? '' })}</p>
    ${notice && html`<${Alert} kind="success">${notice}<//>`}
    <${NewUser} onDone=${done} />
    ${loaded.loading && !loaded.data ? html`<${Loading} />` : loaded.error ? html`<${LoadFailure} error=${loaded.error} />` :
      html`<ul class="cards">${(loaded.data.items ?? []).map((user) => html`<${UserRow} key=${`${user.id}-${user.roles.join()}-${user.disabled}`} user=${user} onDone=${done} />`)}</ul>`}
  </section>`;
}
