// submit.js: submitting a dossier online (POST /v1/dossiers). The form is
// generated from the procedure's JSON Schema, documents upload as they are
// chosen, and the submission carries one Idempotency-Key per attempt: kept
// when the answer was lost (a retry cannot submit twice), renewed after the
// server answered. Server errors show beside the fields their pointers name.
// A citizen signed in at an identity provider finds the fields the procedure
// maps to verified claims filled in and marked (identity_prefill.js).

import { html, useState } from '/web/lib/html.js';
import { api, ApiError, getJson, newIdempotencyKey } from '/web/lib/api.js';
import { t, titleOf } from '/web/lib/i18n.js';
import { href, navigate, segment } from '/web/lib/router.js';
import { SchemaForm, errorsUnder, formErrorsUnder, requiredOr } from '/web/lib/schema_form.js';
import { DocumentUpload } from '/web/lib/document_upload.js';
import { Alert, Field, LoadFailure, Loading, PageTitle, ProblemDetail, describedBy, problemText, useAsync } from '/web/lib/ui.js';
import { procedureTitle } from '/web/citizen/procedure_facts.js';
import { identityPrefill, unchangedFields } from '/web/lib/identity_prefill.js';
import { currentSession } from '/web/lib/session.js';

// The receiving agency to offer first: in demo mode, the demo staff's agency.
async function suggestedAgency() {
  try {
    const demo = await getJson('/v1/demo/accounts');
    return demo.accounts?.find((account) => account.agency)?.agency ?? '';
  } catch {
    return '';
  }
}

// How many of the citizen's latest dossiers are searched for documents to
// reuse.
const kReuseFromDossiers = 10;

// The documents the citizen gave with their latest dossiers and the results
// issued to them, newest first, each once: [{id, key, code}] (`key` is the
// document's key in that dossier, "result" for a result). The list is a
// convenience: when it cannot be read, the citizen uploads as usual.
async function earlierDocuments() {
  try {
    const list = await getJson(`/v1/dossiers?limit=${kReuseFromDossiers}`);
    const dossiers = await Promise.all(
      (list.items ?? []).map((item) => getJson(`/v1/dossiers/${segment(item.code)}`).catch(() => null)),
    );
    const seen = new Set();
    const found = [];
    for (const dossier of dossiers) {
      if (!dossier) continue;
      const entries = Object.entries(dossier.documents ?? {});
      if (dossier.result_document) entries.push(['result', dossier.result_document]);
      for (const [key, id] of entries) {
        if (typeof id !== 'string' || seen.has(id)) continue;
        seen.add(id);
        found.push({ id, key, code: dossier.code });
      }
    }
    return found;
  } catch {
    return [];
  }
}

// Earlier documents offered for the document `key` of `procedure`, labelled
// with the procedure's own title for a key it knows: those given under the
// same key first, then the others.
function offeredFor(earlier, key, procedure) {
  const kind = (k) => {
    if (k === 'result') return t('upload.reuse_result');
    const known = (procedure.documents ?? []).find((document) => document.key === k);
    return known ? titleOf(known) : k.replace(/_/g, ' ');
  };
  return [...earlier.filter((d) => d.key === key), ...earlier.filter((d) => d.key !== key)].map((d) => ({
    id: d.id,
    label: t('upload.reuse_item', { kind: kind(d.key), code: d.code }),
  }));
}

export function SubmitPage({ params }) {
  const loaded = useAsync(async () => {
    const [procedure, agency, earlier] = await Promise.all([
      getJson(`/v1/procedures/${segment(params.code)}`),
      suggestedAgency(),
      earlierDocuments(),
    ]);
    return { procedure, agency, earlier };
  }, [params.code]);
  // null until the citizen edits: the form starts from the verified values.
  const [form, setForm] = useState(null);
  const [agency, setAgency] = useState(null);
  const [documents, setDocuments] = useState({});
  const [errors, setErrors] = useState({});
  // What the refused submission sent: its errors are worded from these values.
  const [sent, setSent] = useState({ form: {}, documents: {} });
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);

  if (loaded.loading) return html`<${Loading} />`;
  if (loaded.error) return html`<${LoadFailure} error=${loaded.error} />`;
  const procedure = loaded.data.procedure;
  const agencyValue = agency ?? loaded.data.agency;
  const session = currentSession();
  const prefill = identityPrefill(procedure.form, session?.verified_identity);
  const formValue = form ?? prefill.values;
  const notes = {};
  for (const name of unchangedFields(prefill, formValue)) {
    notes[name] = t('identity.prefilled', { provider: session.identity_provider });
  }

  const onSubmit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setErrors({});
    const documentIds = {};
    for (const [key, info] of Object.entries(documents)) if (info) documentIds[key] = info.id;
    setSent({ form: formValue, documents: documentIds, agency: agencyValue });
    try {
      const { data } = await api('POST', '/v1/dossiers', {
        json: { procedure: procedure.code, agency: agencyValue, form: formValue, documents: documentIds, channel: 'online' },
        idempotencyKey,
      });
      navigate(`/dossiers/${segment(data.code)}`, { submitted: '1' });
    } catch (error) {
      if (error instanceof ApiError) {
        setIdempotencyKey(newIdempotencyKey());
        setErrors(error.fieldErrors());
      }
      setFailure(error);
      setBusy(false);
      // Move focus to the summary so the errors are announced and reachable.
      setTimeout(() => document.getElementById('submit-errors')?.focus(), 0);
    }
  };

  const formErrors = formErrorsUnder(errors, '/form/', procedure.form, sent.form);
  const documentErrors = errorsUnder(errors, '/documents/');
  const agencyError = requiredOr(errors['/agency'], sent.agency);
  const fieldCount = Object.keys(errors).length;
  return html`<section>
    <p class="breadcrumb"><a href=${href(`/procedures/${segment(procedure.code)}`)}>${procedureTitle(procedure)}</a></p>
    <${PageTitle}>${t('submit.title')}<//>
    <p class="lead">${procedureTitle(procedure)} (${procedure.code})</p>
    ${failure &&
    html`<div id="submit-errors" tabindex="-1">
      <${Alert}><p>${problemText(failure)}${fieldCount > 0 ? html` <span>${t('submit.fix_fields', { count: fieldCount })}</span>` : ''}</p>
        <${ProblemDetail} error=${failure} /><//>
    </div>`}
    <form class="panel" onSubmit=${onSubmit} novalidate>
      <fieldset>
        <legend>${t('submit.agency_legend')}</legend>
        <${Field} id="submit-agency" label=${t('submit.agency')} required=${true}
            hint=${t('submit.agency_hint')} error=${agencyError}>
          <input id="submit-agency" name="agency" required value=${agencyValue}
            aria-invalid=${agencyError ? 'true' : undefined}
            aria-describedby=${describedBy('submit-agency', true, agencyError)}
            onInput=${(event) => setAgency(event.target.value)} />
        <//>
      </fieldset>
      <fieldset>
        <legend>${t('submit.form_legend')}</legend>
        ${prefill.fields.size > 0 && html`<p class="hint" data-prefill-note>${t('identity.prefill_intro', { provider: session.identity_provider })}</p>`}
        <${SchemaForm} schema=${procedure.form} value=${formValue} onChange=${setForm} errors=${formErrors} notes=${notes} />
      </fieldset>
      <fieldset>
        <legend>${t('submit.documents_legend')}</legend>
        ${(procedure.documents ?? []).map(
          (document) => html`<${DocumentUpload} id=${`document-${document.key}`}
            label=${titleOf(document)} required=${document.required}
            error=${requiredOr(documentErrors[document.key], sent.documents[document.key], 'field.document_required')}
            value=${documents[document.key]}
            earlier=${offeredFor(loaded.data.earlier, document.key, procedure)}
            onChange=${(info) => setDocuments((previous) => ({ ...previous, [document.key]: info }))} />`,
        )}
      </fieldset>
      <button type="submit" class="button" disabled=${busy}>${busy ? t('submit.sending') : t('submit.send')}</button>
    </form>
  </section>`;
}
