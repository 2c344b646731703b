// dossier.js: one dossier as its applicant sees it (GET /v1/dossiers/{code}):
// national status and plain label, appointment date, the process-control
// timeline (/history), the fully-online verdict with its reasons, apology
// letters, the actions the applicant may take now (answering a supplement
// request, withdrawing), online payment in demo mode, the result with its
// .p7s signatures, and the 1-5 rating. A dossier the caller may not see is
// 404 from the server and shows the not-found page, never its data.

import { html, useState } from '/web/lib/html.js';
import { api, ApiError, getJson, newIdempotencyKey } from '/web/lib/api.js';
import { formatDate, formatDateTime, formatMoney, loc, t, titleOf, tOr } from '/web/lib/i18n.js';
import { segment } from '/web/lib/router.js';
import { SchemaForm, errorsUnder, formErrorsUnder, requiredOr } from '/web/lib/schema_form.js';
import { DocumentUpload } from '/web/lib/document_upload.js';
import {
  Alert,
  Branches,
  Field,
  FormFacts,
  LoadFailure,
  Loading,
  PageTitle,
  ProblemAlert,
  StatusBadge,
  useAsync,
} from '/web/lib/ui.js';
import { procedureTitle } from '/web/citizen/procedure_facts.js';

const kFinishedStatuses = new Set([3, 7, 8, 9, 10]);

async function optional(promise) {
  try {
    return await promise;
  } catch {
    return null;
  }
}

async function loadDossier(code) {
  const path = `/v1/dossiers/${segment(code)}`;
  const dossier = await getJson(path);
  const [history, procedure, signatures, demo] = await Promise.all([
    optional(getJson(`${path}/history`)),
    optional(getJson(`/v1/procedures/${segment(dossier.procedure)}`)),
    dossier.result_document ? optional(getJson(`${path}/result/signatures`)) : null,
    optional(getJson('/v1/demo/accounts')),
  ]);
  return { dossier, history: history?.items ?? [], procedure, signatures, demoMode: Boolean(demo) };
}

// An action as the dossier's `actions` list it ({name, title, step,
// requires}), or by name alone.
function actionName(action) {
  return typeof action === 'string' ? action : action.name;
}

function actionTitle(action) {
  if (typeof action !== 'string') return loc(action.title, action.name);
  return tOr(`action.${action}`, action);
}

function stateTitle(dossier) {
  return loc(dossier.state_title, dossier.state_name ?? dossier.state);
}

function Facts({ dossier, procedure }) {
  return html`<dl class="facts">
    <div><dt>${t('dossier.procedure')}</dt><dd>${loc(dossier.procedure_title, procedure ? procedureTitle(procedure) : dossier.procedure)}</dd></div>
    <div><dt>${t('dossier.state')}</dt><dd>${stateTitle(dossier)}</dd></div>
    <div><dt>${t('dossier.agency')}</dt><dd>${dossier.agency}</dd></div>
    ${dossier.handling_agency && dossier.handling_agency !== dossier.agency && html`<div><dt>${t('dossier.handling_agency')}</dt><dd>${dossier.handling_agency}</dd></div>`}
    <div><dt>${t('dossier.received')}</dt><dd>${dossier.received_at ? formatDateTime(dossier.received_at) : t('dossier.not_yet')}</dd></div>
    <div><dt>${t('dossier.due')}</dt><dd><strong>${dossier.due_at ? formatDateTime(dossier.due_at) : t('dossier.no_due')}</strong></dd></div>
    ${dossier.finished_at && html`<div><dt>${t('dossier.finished')}</dt><dd>${formatDateTime(dossier.finished_at)}</dd></div>`}
    ${dossier.fee?.paid && html`<div><dt>${t('dossier.fee')}</dt><dd>${t('payment.paid', {
      amount: formatMoney(dossier.fee.paid.amount),
      channel: tOr(`channel.${dossier.fee.paid.channel}`, dossier.fee.paid.channel ?? ''),
      at: formatDateTime(dossier.fee.paid.at),
    })}</dd></div>`}
  </dl>`;
}

function FullyOnline({ verdict }) {
  if (!verdict) return null;
  const yes = verdict.fully_online;
  return html`<section class="panel" aria-labelledby="online-heading">
    <h2 id="online-heading">${t('dossier.fully_online')}</h2>
    <p><span class=${`badge ${yes ? 'badge-online' : 'badge-partial'}`}>
      ${t(yes ? (verdict.final ? 'verdict.yes_final' : 'verdict.yes_so_far') : 'verdict.no')}</span></p>
    ${verdict.reasons?.length > 0 &&
    html`<ul>${verdict.reasons.map((reason) => html`<li>${tOr(`verdict.reason.${reason.reason}`, reason.message)}${reason.message ? html` <span class="muted">(${reason.message})</span>` : ''}</li>`)}</ul>`}
  </section>`;
}

function Apologies({ extensions }) {
  if (!extensions?.length) return null;
  return html`<section class="panel" aria-labelledby="apology-heading">
    <h2 id="apology-heading">${t('dossier.apologies')}</h2>
    <ul>
      ${extensions.map(
        (letter) => html`<li class="apology">
          <p>${t('dossier.apology_line', { at: formatDate(letter.at), due: formatDateTime(letter.new_due) })}</p>
          ${letter.reason && html`<p class="muted">${t('dossier.apology_reason')}: ${letter.reason}</p>`}
        </li>`,
      )}
    </ul>
  </section>`;
}

function Timeline({ items }) {
  if (!items?.length) return null;
  return html`<section class="panel" aria-labelledby="timeline-heading">
    <h2 id="timeline-heading">${t('dossier.timeline')}</h2>
    <ol class="timeline">
      ${items.map(
        (handOff) => html`<li>
          <p><strong>${loc(handOff.state_title, handOff.state_name ?? handOff.state)}</strong>
            ${handOff.timeliness && html` <span class=${`badge timeliness-${handOff.timeliness}`}>${t(`timeliness.${handOff.timeliness}`)}</span>`}</p>
          <p class="muted">${formatDateTime(handOff.entered)}${handOff.left ? ` → ${formatDateTime(handOff.left)}` : ''}
            ${handOff.due ? ` · ${t('dossier.step_due')}: ${formatDateTime(handOff.due)}` : ''}</p>
          <p class="muted">${handOff.action ? `${loc(handOff.action_title, actionTitle(handOff.action))} · ` : ''}${t('dossier.given_by')}: ${handOff.given_by}${handOff.handled_by ? ` · ${t('dossier.handled_by')}: ${handOff.handled_by}` : ''}</p>
        </li>`,
      )}
    </ol>
  </section>`;
}

function Submitted({ dossier, procedure }) {
  const properties = procedure?.form?.properties ?? {};
  const titles = dossier.document_titles ?? {};
  return html`<section class="panel" aria-labelledby="form-heading">
    <h2 id="form-heading">${t('dossier.submitted_form')}</h2>
    <${FormFacts} form=${dossier.form} properties=${properties}
      verifiedFields=${dossier.identity_data_fields} verifiedBy=${dossier.identity_verified_by} />
    <h3>${t('dossier.documents')}</h3>
    <ul class="document-list">
      ${Object.entries(dossier.documents ?? {}).map(
        ([key, id]) => html`<li><a href=${`/v1/documents/${id}`} download=${key}>
          ${loc(titles[key], key)}</a></li>`,
      )}
    </ul>
  </section>`;
}

// The applicant's available actions, each with a comment and, where the
// procedure lists documents, new documents (answering a supplement request).
function Actions({ dossier, procedure, onDone }) {
  // Payments are recorded by the gateway's callback or a desk receipt, never a click.
  const actions = (dossier.actions ?? []).filter((action) => action.step !== 'payment');
  const [chosen, setChosen] = useState(null);
  const [comment, setComment] = useState('');
  const [form, setForm] = useState({});
  const [documents, setDocuments] = useState({});
  const [failure, setFailure] = useState(null);
  const [sent, setSent] = useState({});
  const [busy, setBusy] = useState(false);
  if (actions.length === 0) return null;

  const perform = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const payload = {};
    if (comment) payload.comment = comment;
    if (Object.keys(form).length > 0) payload.form = form;
    const ids = Object.fromEntries(Object.entries(documents).filter(([, info]) => info).map(([key, info]) => [key, info.id]));
    if (Object.keys(ids).length > 0) payload.documents = ids;
    setSent(payload);
    try {
      await api('POST', `/v1/dossiers/${segment(dossier.code)}/actions/${segment(actionName(chosen))}`, {
        json: payload,
        headers: { 'If-Match': `"${dossier.version}"` },
        idempotencyKey: newIdempotencyKey(),
      });
      setChosen(null);
      onDone(t('dossier.action_done', { action: actionTitle(chosen) }));
    } catch (error) {
      setFailure(error);
      if (error instanceof ApiError && error.status === 412) onDone(t('error.stale'));
    } finally {
      setBusy(false);
    }
  };

  const isSupplement = chosen?.step === 'supplement';
  const errors = failure instanceof ApiError ? failure.fieldErrors() : {};
  return html`<section class="panel" aria-labelledby="actions-heading">
    <h2 id="actions-heading">${t('dossier.actions')}</h2>
    <div class="button-row">
      ${actions.map(
        (action) => html`<button type="button" class=${`button ${chosen === action ? '' : 'button-secondary'}`}
          aria-pressed=${chosen === action ? 'true' : 'false'}
          onClick=${() => { setChosen(action); setFailure(null); }}>${actionTitle(action)}</button>`,
      )}
    </div>
    ${chosen &&
    html`<form onSubmit=${perform} class="action-form">
      <${ProblemAlert} error=${failure} />
      <${Field} id="action-comment" label=${t('dossier.comment')} error=${requiredOr(errors['/comment'], sent.comment)}>
        <textarea id="action-comment" rows="3" value=${comment} onInput=${(event) => setComment(event.target.value)}></textarea>
      <//>
      ${isSupplement && procedure &&
      html`<fieldset>
        <legend>${t('dossier.supplement_form')}</legend>
        <${SchemaForm} schema=${{ ...procedure.form, required: [] }} value=${form} onChange=${setForm}
          errors=${formErrorsUnder(errors, '/form/', procedure.form, sent.form ?? {})} idPrefix="supplement" />
        ${(procedure.documents ?? []).map(
          (document) => html`<${DocumentUpload} id=${`supplement-${document.key}`} label=${titleOf(document)}
            error=${requiredOr(errorsUnder(errors, '/documents/')[document.key], sent.documents?.[document.key], 'field.document_required')}
            value=${documents[document.key]}
            onChange=${(info) => setDocuments((previous) => ({ ...previous, [document.key]: info }))} />`,
        )}
      </fieldset>`}
      <button type="submit" class="button" disabled=${busy}>${t('dossier.confirm_action', { action: actionTitle(chosen) })}</button>
    </form>`}
  </section>`;
}

// What the dossier owes (its `fee`), and the demo gateway in demo mode.
function Payment({ dossier, demoMode, onDone }) {
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const fee = dossier.fee;
  if (!fee?.awaiting_payment) return null;
  const pay = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await api('POST', `/v1/demo/gateway/${segment(dossier.code)}/pay`, { idempotencyKey: newIdempotencyKey() });
      onDone(t('payment.done'));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="panel" aria-labelledby="payment-heading">
    <h2 id="payment-heading">${t('payment.title')}</h2>
    <p>${t('payment.due')}</p>
    <p><strong>${t('payment.amounts', { online: formatMoney(fee.online), desk: formatMoney(fee.desk) })}</strong></p>
    <${ProblemAlert} error=${failure} />
    ${demoMode
      ? html`<p class="muted">${t('payment.demo_note')}</p>
          <button type="button" class="button" disabled=${busy} onClick=${pay}>${t('payment.pay_demo')}</button>`
      : html`<p class="muted">${t('payment.no_gateway')}</p>`}
  </section>`;
}

function Result({ dossier, signatures }) {
  if (!dossier.result_document) return null;
  const path = `/v1/dossiers/${segment(dossier.code)}`;
  const items = signatures?.items ?? [];
  return html`<section class="panel" aria-labelledby="result-heading">
    <h2 id="result-heading">${t('result.title')}</h2>
    <p><a class="button" href=${`${path}/result`} download=${`${dossier.code}.pdf`}>${t('result.download')}</a></p>
    ${items.length > 0 &&
    html`<h3>${t('result.signatures')}</h3>
      <ul class="signature-list">
        ${items.map(
          (signature) => html`<li>
            <p><strong>${signature.signer_subject}</strong> · ${t(`signature.kind_${signature.kind}`)}
              · <span class=${`badge ${signature.status === 'valid' ? 'badge-online' : 'badge-partial'}`}>${signature.status === 'valid' ? t('signature.valid') : signature.status}</span></p>
            <p class="muted">${signature.signing_time ? formatDateTime(signature.signing_time) : ''}</p>
            <a href=${signature.href ?? `${path}/result/signatures/${signature.id}`} download=${`${dossier.code}-${signature.id.slice(0, 8)}.p7s`}>${t('result.download_p7s')}</a>
          </li>`,
        )}
      </ul>`}
    <p><a href="#/verify">${t('result.verify_hint')}</a></p>
  </section>`;
}

function Rating({ dossier, onDone }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [failure, setFailure] = useState(null);
  if (dossier.rating) {
    return html`<section class="panel" aria-labelledby="rating-heading">
      <h2 id="rating-heading">${t('rating.title')}</h2>
      <p>${t('rating.given', { score: dossier.rating.score })}</p>
    </section>`;
  }
  if (!kFinishedStatuses.has(dossier.status)) return null;
  const send = async (event) => {
    event.preventDefault();
    setFailure(null);
    try {
      const body = { score };
      if (comment) body.comment = comment;
      await api('POST', `/v1/dossiers/${segment(dossier.code)}/rating`, { json: body, idempotencyKey: newIdempotencyKey() });
      onDone(t('rating.thanks'));
    } catch (error) {
      setFailure(error);
    }
  };
  return html`<section class="panel" aria-labelledby="rating-heading">
    <h2 id="rating-heading">${t('rating.title')}</h2>
    <form onSubmit=${send}>
      <${ProblemAlert} error=${failure} />
      <fieldset class="rating">
        <legend>${t('rating.question')}</legend>
        ${[1, 2, 3, 4, 5].map(
          (value) => html`<label class="rating-option">
            <input type="radio" name="score" value=${value} checked=${score === value} onChange=${() => setScore(value)} />
            ${value} · ${t(`rating.${value}`)}</label>`,
        )}
      </fieldset>
      <${Field} id="rating-comment" label=${t('rating.comment')}>
        <textarea id="rating-comment" rows="2" value=${comment} onInput=${(event) => setComment(event.target.value)}></textarea>
      <//>
      <button type="submit" class="button" disabled=${score === 0}>${t('rating.send')}</button>
    </form>
  </section>`;
}

export function DossierPage({ params, query }) {
  const loaded = useAsync(() => loadDossier(params.code), [params.code]);
  const [notice, setNotice] = useState(query.get('submitted') ? t('submit.done') : null);
  if (loaded.loading) return html`<${Loading} />`;
  if (loaded.error) return html`<${LoadFailure} error=${loaded.error} />`;
  const { dossier, history, procedure, signatures, demoMode } = loaded.data;
  const done = (message) => {
    setNotice(message);
    loaded.reload();
  };
  return html`<article>
    <p class="breadcrumb"><a href="#/dossiers">${t('dossiers.title')}</a></p>
    <${PageTitle}>${t('dossier.title', { code: dossier.code })}<//>
    ${notice && html`<${Alert} kind="success">${notice}<//>`}
    <p class="status-line"><${StatusBadge} status=${dossier.status} /></p>
    <${Facts} dossier=${dossier} procedure=${procedure} />
    <${Branches} branches=${dossier.branches} />
    <${Payment} dossier=${dossier} demoMode=${demoMode} onDone=${done} />
    <${Actions} dossier=${dossier} procedure=${procedure} onDone=${done} />
    <${Result} dossier=${dossier} signatures=${signatures} />
    <${Rating} dossier=${dossier} onDone=${done} />
    <${FullyOnline} verdict=${dossier.fully_online} />
    <${Apologies} extensions=${dossier.extensions} />
    <${Timeline} items=${history} />
    <${Submitted} dossier=${dossier} procedure=${procedure} />
  </article>`;
}

