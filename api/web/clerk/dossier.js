// clerk/dossier.js: one dossier as staff see it: status, due date and SLA
// countdown, escalation, who holds it (claim / release), the actions
// available now (GET /v1/dossiers/{code} lists them) each with the inputs it
// needs, desk payment with a receipt number, the result and its signatures,
// the submitted form, documents (PDFs preview in a frame), the process
// control slip and, for auditors and admins, the audit trail.
//
// Every action carries If-Match with the version on screen: when another
// clerk changed the dossier first the server answers 412, and the page
// reloads and says so; nothing is sent again on the user's behalf.
//
// Each available action comes with what it requires (the workflow's
// `requires`: comment, result document, appointment date, signature); the
// form shows exactly those inputs, and an optional comment besides.

import { html, useEffect, useState } from '/web/lib/html.js';
import { api, ApiError, getJson, newIdempotencyKey } from '/web/lib/api.js';
import { formatDateTime, formatMoney, loc, t } from '/web/lib/i18n.js';
import { segment } from '/web/lib/router.js';
import { DocumentUpload } from '/web/lib/document_upload.js';
import {
  Alert, Branches, Field, FormFacts, LoadFailure, Loading, PageTitle, ProblemAlert, StatusBadge, describedBy, problemReason,
  useAsync,
} from '/web/lib/ui.js';
import { requiredOr } from '/web/lib/schema_form.js';
import { currentSession, hasRole } from '/web/lib/session.js';
import {
  SlaBadge, actionName, actionTitle, roleTitle, signInTitle, stateTitle, workflowActionTitle, workflowStateTitle,
} from '/web/clerk/staff_common.js';
import { SignatureInput, SignatureRefusal, SigningSteps, failedCheck } from '/web/leader/signing.js';
import { kQueueRoles } from '/web/clerk/routes.js';

async function optional(promise) {
  try {
    return await promise;
  } catch (error) {
    return { failed: error };
  }
}

async function loadStaffDossier(code) {
  const path = `/v1/dossiers/${segment(code)}`;
  const dossier = await getJson(path);
  const [history, audit, procedure, signatures] = await Promise.all([
    optional(getJson(`${path}/history`)),
    optional(getJson(`${path}/audit`)),
    optional(getJson(`/v1/procedures/${segment(dossier.procedure)}`)),
    dossier.result_document ? optional(getJson(`${path}/result/signatures`)) : null,
  ]);
  return { dossier, history, audit, procedure: procedure?.failed ? null : procedure, signatures };
}

// The inputs `action` ({name, title, requires} from the dossier's
// `actions`) requires.
export function inputsFor(action) {
  const requires = action?.requires ?? {};
  return new Set(['comment', 'result_document', 'appointment_date', 'signature'].filter((input) => requires[input]));
}

function AppointmentInput({ value, onChange, error }) {
  const [date, time] = value ? [value.slice(0, 10), value.slice(11, 16)] : ['', '17:00'];
  const set = (nextDate, nextTime) => onChange(nextDate ? `${nextDate}T${nextTime || '17:00'}:00+07:00` : null);
  const hint = t('clerk.appointment_hint');
  return html`<fieldset class=${error ? 'field-invalid' : ''}>
    <legend>${t('clerk.appointment')}</legend>
    <p class="hint" id="appointment-hint">${hint}</p>
    <div class="inline-fields">
      <${Field} id="appointment-date" label=${t('clerk.appointment_date')} required error=${error}>
        <input id="appointment-date" type="date" value=${date} required onInput=${(e) => set(e.target.value, time)}
          aria-describedby=${describedBy('appointment-date', null, error) ?? 'appointment-hint'} />
      <//>
      <${Field} id="appointment-time" label=${t('clerk.appointment_time')}>
        <input id="appointment-time" type="time" value=${time} onInput=${(e) => set(date, e.target.value)} />
      <//>
    </div>
  </fieldset>`;
}

function ActionForm({ dossier, action, onDone, onStale }) {
  const name = actionName(action);
  const inputs = inputsFor(action);
  const [comment, setComment] = useState('');
  const [resultDocument, setResultDocument] = useState(null);
  const [appointment, setAppointment] = useState(null);
  const [signature, setSignature] = useState(null);
  const [failure, setFailure] = useState(null);
  const [sent, setSent] = useState({});
  const [busy, setBusy] = useState(false);
  // The server's errors by pointer ("/comment"), "required" worded when the
  // refused request left that input out.
  const errors = {};
  if (failure instanceof ApiError) {
    for (const [pointer, message] of Object.entries(failure.fieldErrors())) {
      errors[pointer] = requiredOr(message, sent[pointer.slice(1)]);
    }
  }

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const payload = {};
    if (comment.trim()) payload.comment = comment.trim();
    if (inputs.has('result_document') && resultDocument) payload.result_document = resultDocument.id;
    if (inputs.has('appointment_date') && appointment) payload.appointment_date = appointment;
    if (inputs.has('signature') && signature) payload.signature = signature;
    setSent(payload);
    try {
      await api('POST', `/v1/dossiers/${segment(dossier.code)}/actions/${segment(name)}`, {
        json: payload,
        headers: { 'If-Match': `"${dossier.version}"` },
        idempotencyKey: newIdempotencyKey(),
      });
      onDone(t('clerk.action_done', { action: actionTitle(action) }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        onStale();
        return;
      }
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  // A branch's action signs its branch's own result; any other, the dossier's.
  const branch = action.branch ? (dossier.branches ?? []).find((b) => b.id === action.branch) : null;
  const toSign = !action.branch
    ? `/v1/dossiers/${segment(dossier.code)}/result`
    : branch?.result_document ? `/v1/documents/${segment(branch.result_document)}` : null;
  const check = failedCheck(failure);
  return html`<form class="action-form" onSubmit=${submit} aria-labelledby="action-form-heading">
    <h3 id="action-form-heading">${actionTitle(action)}</h3>
    ${check ? html`<${SignatureRefusal} error=${failure} />` : html`<${ProblemAlert} error=${failure} />`}
    ${inputs.has('signature') &&
    html`<${SigningSteps} code=${dossier.code} />
      ${toSign && html`<p><a class="button button-secondary" href=${toSign}
        download=${`${dossier.code}${action.branch ? `-${action.branch}` : ''}.pdf`}>${t('leader.download_result')}</a></p>`}
      <${SignatureInput} id="action-signature" error=${errors['/signature']} onChange=${setSignature} />`}
    ${inputs.has('result_document') &&
    html`<${DocumentUpload} id="action-result" label=${t('clerk.result_document')} required
      hint=${t('clerk.result_document_hint')} accept="application/pdf" error=${errors['/result_document']}
      value=${resultDocument} onChange=${setResultDocument} />`}
    ${inputs.has('appointment_date') &&
    html`<${AppointmentInput} value=${appointment} onChange=${setAppointment} error=${errors['/appointment_date']} />`}
    <${Field} id="action-comment" label=${t('clerk.comment')} required=${inputs.has('comment')} error=${errors['/comment']}>
      <textarea id="action-comment" rows="3" value=${comment} onInput=${(e) => setComment(e.target.value)}
        required=${inputs.has('comment')} aria-invalid=${errors['/comment'] ? 'true' : undefined}
        aria-describedby=${describedBy('action-comment', null, errors['/comment'])}></textarea>
    <//>
    <button type="submit" class="button" disabled=${busy}>${t('clerk.confirm_action', { action: actionTitle(action) })}</button>
  </form>`;
}

function Actions({ dossier, onDone, onStale }) {
  const actions = dossier.actions ?? [];
  const [chosenName, setChosen] = useState(null);
  const chosen = actions.find((action) => action.name === chosenName) ?? null;
  return html`<section class="panel" aria-labelledby="actions-heading">
    <h2 id="actions-heading">${t('clerk.actions')}</h2>
    ${actions.length === 0
      ? html`<p>${t('clerk.no_actions')}</p>`
      : html`<div class="button-row">${actions.map(
          (action) => html`<button type="button" class=${`button ${chosen === action ? '' : 'button-secondary'}`}
            aria-pressed=${chosen === action ? 'true' : 'false'} data-action=${actionName(action)}
            onClick=${() => setChosen(action.name)}>${actionTitle(action)}</button>`,
        )}</div>`}
    ${chosen &&
    html`<${ActionForm} key=${`${actionName(chosen)}-${dossier.version}`} dossier=${dossier} action=${chosen}
      onDone=${(message) => { setChosen(null); onDone(message); }} onStale=${onStale} />`}
  </section>`;
}

// Who holds the dossier for this user: in a fork, staff of a branch's
// agency hold their branch (its `assignee`), not the dossier.
function holderOf(dossier) {
  const agency = currentSession()?.agency;
  const mine = (dossier.branches ?? []).find((b) => !b.ended && b.handling_agency === agency);
  return mine ? mine.assignee : dossier.assignee;
}

function Holder({ dossier, onDone }) {
  const me = currentSession()?.user_id;
  const holder = holderOf(dossier);
  const [failure, setFailure] = useState(null);
  const act = async (verb) => {
    setFailure(null);
    try {
      await api('POST', `/v1/dossiers/${segment(dossier.code)}/${verb}`, { idempotencyKey: newIdempotencyKey() });
      onDone(t(verb === 'claim' ? 'clerk.claimed' : 'clerk.released', { code: dossier.code }));
    } catch (error) {
      setFailure(error);
    }
  };
  return html`<div class="holder">
    <${ProblemAlert} error=${failure} />
    <p>${holder ? t('clerk.assigned_to', { user: holder === me ? t('clerk.me') : holder }) : t('clerk.unassigned')}</p>
    <div class="button-row">
      ${!holder && html`<button type="button" class="button button-small" onClick=${() => act('claim')}>${t('clerk.claim')}</button>`}
      ${holder === me && html`<button type="button" class="button button-small button-secondary" onClick=${() => act('release')}>${t('clerk.release')}</button>`}
    </div>
  </div>`;
}

// The desk amount the dossier owes (its `fee`, which counts per-copy fees).
function DeskPayment({ dossier, onDone }) {
  const due = dossier.fee?.desk ?? 0;
  const [amount, setAmount] = useState(String(due));
  const [receipt, setReceipt] = useState('');
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!dossier.fee?.awaiting_payment) return null;
  const errors = failure instanceof ApiError ? failure.fieldErrors() : {};
  const amountError = problemReason(failure) === 'amount_mismatch'
    ? t('clerk.payment_amount_due', { amount: formatMoney(due) }) : requiredOr(errors['/amount'], amount);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await api('POST', `/v1/dossiers/${segment(dossier.code)}/payments`, {
        json: { amount: Number(amount), receipt: receipt.trim() },
        idempotencyKey: newIdempotencyKey(),
      });
      onDone(t('clerk.payment_done', { receipt: receipt.trim() }));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="panel" aria-labelledby="payment-heading">
    <h2 id="payment-heading">${t('clerk.payment')}</h2>
    <p>${t('clerk.payment_due', { amount: formatMoney(due) })}</p>
    <form onSubmit=${submit}>
      <${ProblemAlert} error=${failure} />
      <${Field} id="payment-amount" label=${t('clerk.payment_amount')} required error=${amountError}>
        <input id="payment-amount" type="number" min="0" step="1" required value=${amount} onInput=${(e) => setAmount(e.target.value)} />
      <//>
      <${Field} id="payment-receipt" label=${t('clerk.payment_receipt')} required error=${requiredOr(errors['/receipt'], receipt)}>
        <input id="payment-receipt" type="text" maxlength="128" required value=${receipt} onInput=${(e) => setReceipt(e.target.value)} />
      <//>
      <button type="submit" class="button" disabled=${busy || !receipt.trim()}>${t('clerk.payment_record')}</button>
    </form>
  </section>`;
}

// A document with a download link and, on demand, a preview in a frame:
// the bytes are fetched and shown from a blob: URL (the server sends
// documents as attachments, and the page's CSP allows frames from blob:).
function DocumentItem({ label, href, filename }) {
  const [preview, setPreview] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => () => preview && URL.revokeObjectURL(preview.url), [preview]);
  const show = async () => {
    setFailure(null);
    try {
      const response = await fetch(href, { credentials: 'same-origin' });
      if (!response.ok) throw new ApiError(response.status, null);
      const blob = await response.blob();
      setPreview({ url: URL.createObjectURL(blob), pdf: blob.type.includes('pdf') });
    } catch (error) {
      setFailure(error);
    }
  };
  return html`<li>
    <div class="document-row">
      <span>${label}</span>
      <a href=${href} download=${filename}>${t('clerk.download')}</a>
      ${preview
        ? html`<button type="button" class="link-inline" onClick=${() => setPreview(null)}>${t('clerk.hide_preview')}</button>`
        : html`<button type="button" class="link-inline" onClick=${show}>${t('clerk.preview')}</button>`}
    </div>
    <${ProblemAlert} error=${failure} />
    ${preview && (preview.pdf
      ? html`<iframe class="document-preview" src=${preview.url} title=${t('clerk.preview_of', { name: label })}></iframe>`
      : html`<p class="muted">${t('clerk.no_preview')}</p>`)}
  </li>`;
}

function Submitted({ dossier, procedure }) {
  const properties = procedure?.form?.properties ?? {};
  const titles = dossier.document_titles ?? {};
  const entries = Object.entries(dossier.documents ?? {});
  return html`<section class="panel" aria-labelledby="form-heading">
    <h2 id="form-heading">${t('clerk.form')}</h2>
    <${FormFacts} form=${dossier.form} properties=${properties}
      verifiedFields=${dossier.identity_data_fields} verifiedBy=${dossier.identity_verified_by} />
    <h3>${t('clerk.documents')}</h3>
    ${entries.length === 0 ? html`<p>${t('clerk.no_documents')}</p>` : html`<ul class="document-list">
      ${entries.map(([key, id]) => html`<${DocumentItem} key=${key} href=${`/v1/documents/${id}`} filename=${key}
        label=${loc(titles[key], key)} />`)}
    </ul>`}
  </section>`;
}

function Result({ dossier, signatures }) {
  if (!dossier.result_document) return null;
  const path = `/v1/dossiers/${segment(dossier.code)}`;
  const items = signatures?.items ?? [];
  return html`<section class="panel" aria-labelledby="result-heading">
    <h2 id="result-heading">${t('clerk.result')}</h2>
    <ul class="document-list">
      <${DocumentItem} href=${`${path}/result`} filename=${`${dossier.code}.pdf`} label=${t('clerk.result_file')} />
    </ul>
    <h3>${t('clerk.signatures')}</h3>
    ${items.length === 0 ? html`<p>${t('clerk.no_signatures')}</p>` : html`<ul class="signature-list">
      ${items.map((signature) => html`<li>
        <p><strong>${signature.signer_subject}</strong> · ${signature.kind === 'agency_seal' ? t('clerk.seal') : t('clerk.signature')}
          · <span class=${`badge ${signature.status === 'valid' ? 'badge-online' : 'badge-partial'}`}>${signature.status}</span></p>
        <p class="muted">${signature.signing_time ? formatDateTime(signature.signing_time) : ''}</p>
      </li>`)}
    </ul>`}
  </section>`;
}

function History({ history }) {
  if (history?.failed) return html`<section class="panel"><h2>${t('clerk.history')}</h2><${ProblemAlert} error=${history.failed} /></section>`;
  const items = history?.items ?? [];
  return html`<section class="panel" aria-labelledby="history-heading">
    <h2 id="history-heading">${t('clerk.history')}</h2>
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="history-heading"><table class="data-table">
      <thead><tr><th scope="col">${t('clerk.state')}</th><th scope="col">${t('clerk.action')}</th><th scope="col">${t('clerk.given_by')}</th>
        <th scope="col">${t('clerk.entered')}</th><th scope="col">${t('clerk.due')}</th><th scope="col">${t('clerk.timeliness')}</th></tr></thead>
      <tbody>${items.map((h) => html`<tr>
        <td>${stateTitle(h)}</td><td>${h.action ? loc(h.action_title, actionTitle(h.action)) : '—'}</td>
        <td>${h.given_by}${h.handled_by ? ` → ${h.handled_by}` : ''}</td>
        <td>${formatDateTime(h.entered)}${h.left ? ` → ${formatDateTime(h.left)}` : ''}</td>
        <td>${h.due ? formatDateTime(h.due) : '—'}</td>
        <td>${h.timeliness ? html`<span class=${`badge timeliness-${h.timeliness}`}>${t(`timeliness.${h.timeliness}`)}</span>` : '—'}</td>
      </tr>`)}</tbody>
    </table></div>
  </section>`;
}

// The audit trail: each record's action and states by the procedure's
// localized titles (the records carry ids), the actor with their roles and
// how they signed in.
function Audit({ audit, procedure }) {
  const forbidden = audit?.failed instanceof ApiError && audit.failed.status === 403;
  const state = (id) => (id ? workflowStateTitle(procedure, id) : '—');
  return html`<section class="panel" aria-labelledby="audit-heading">
    <h2 id="audit-heading">${t('clerk.audit')}</h2>
    ${forbidden ? html`<p class="muted">${t('clerk.audit_forbidden')}</p>`
      : audit?.failed ? html`<${ProblemAlert} error=${audit.failed} />`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="audit-heading"><table class="data-table audit-table">
        <thead><tr><th scope="col">#</th><th scope="col">${t('clerk.action')}</th><th scope="col">${t('clerk.transition')}</th>
          <th scope="col">${t('clerk.actor')}</th><th scope="col">${t('clerk.at')}</th><th scope="col">${t('clerk.hash')}</th></tr></thead>
        <tbody>${(audit?.items ?? []).map((record) => html`<tr>
          <td>${record.index ?? record.sequence}</td><td>${workflowActionTitle(procedure, record.action)}</td>
          <td>${record.from === record.to ? state(record.to) : `${state(record.from)} → ${state(record.to)}`}</td>
          <td>${record.actor?.id ?? ''}${(record.actor?.roles ?? []).length > 0 ? ` · ${record.actor.roles.map(roleTitle).join(', ')}` : ''}
            <br /><span class="muted">${signInTitle(record.actor)}</span></td>
          <td>${formatDateTime(record.at)}</td><td><code>${String(record.hash ?? '').slice(0, 12)}</code></td>
        </tr>`)}</tbody>
      </table></div>`}
  </section>`;
}

export function StaffDossierPage({ params }) {
  const loaded = useAsync(() => loadStaffDossier(params.code), [params.code]);
  const [notice, setNotice] = useState(null);
  if (loaded.loading && !loaded.data) return html`<${Loading} />`;
  if (loaded.error) return html`<${LoadFailure} error=${loaded.error} />`;
  const { dossier, history, audit, procedure, signatures } = loaded.data;
  const done = (message) => {
    setNotice({ kind: 'success', message });
    loaded.reload();
  };
  const stale = () => {
    setNotice({ kind: 'warning', message: t('clerk.stale') });
    loaded.reload();
  };
  return html`<article class="staff-dossier">
    <p class="breadcrumb">${kQueueRoles.some(hasRole)
      ? html`<a href="#/staff/queue">${t('clerk.queue_title')}</a>`
      : hasRole('leader') ? html`<a href="#/leader">${t('leader.title')}</a>` : ''}</p>
    <${PageTitle}>${t('clerk.dossier_title', { code: dossier.code })}<//>
    ${notice && html`<${Alert} kind=${notice.kind}>${notice.message}<//>`}
    ${dossier.escalation && html`<${Alert} kind="warning">${t('clerk.escalated', { role: dossier.escalation.to_role, at: formatDateTime(dossier.escalation.at) })}<//>`}
    ${dossier.automatic_pending && html`<${Alert} kind="warning">${t('clerk.automatic_pending', { action: actionTitle(dossier.automatic_pending.action), reason: dossier.automatic_pending.reason })}<//>`}
    <p class="staff-status"><${StatusBadge} status=${dossier.status} /> <${SlaBadge} due=${dossier.due_at} left=${dossier.working_time_left} /></p>
    <dl class="facts">
      <div><dt>${t('clerk.procedure')}</dt><dd>${loc(dossier.procedure_title, dossier.procedure)} (${dossier.procedure})</dd></div>
      <div><dt>${t('clerk.state')}</dt><dd>${stateTitle(dossier)}</dd></div>
      <div><dt>${t('clerk.applicant')}</dt><dd>${dossier.applicant_id}</dd></div>
      <div><dt>${t('clerk.received')}</dt><dd>${dossier.received_at ? formatDateTime(dossier.received_at) : '—'}</dd></div>
      <div><dt>${t('clerk.due')}</dt><dd><strong>${dossier.due_at ? formatDateTime(dossier.due_at) : '—'}</strong></dd></div>
      <div><dt>${t('clerk.version')}</dt><dd>${dossier.version}</dd></div>
    </dl>
    <${Branches} branches=${dossier.branches} />
    <${Holder} dossier=${dossier} onDone=${done} />
    <${Actions} dossier=${dossier} onDone=${done} onStale=${stale} />
    <${DeskPayment} dossier=${dossier} onDone=${done} />
    <${Result} dossier=${dossier} signatures=${signatures} />
    <${Submitted} dossier=${dossier} procedure=${procedure} />
    <${History} history=${history} />
    <${Audit} audit=${audit} procedure=${procedure} />
  </article>`;
}
