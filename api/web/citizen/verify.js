// verify.js: the public verification page. The visitor drops (or chooses) a
// PDF; its bytes go to POST /v1/verify (no sign-in), which says whether this
// engine issued it, for which dossier and agency, and whether every
// signature on it is valid. 404 means this engine did not issue these bytes.

import { html, useState } from '/web/lib/html.js';
import { api, ApiError } from '/web/lib/api.js';
import { formatDateTime, loc, t } from '/web/lib/i18n.js';
import { Alert, Field, PageTitle, ProblemAlert } from '/web/lib/ui.js';

function VerifyResult({ answer }) {
  return html`<section class="panel" aria-labelledby="verdict-heading">
    <h2 id="verdict-heading">${t('verify.result')}</h2>
    <${Alert} kind=${answer.valid ? 'success' : 'error'}>${t(answer.valid ? 'verify.valid' : 'verify.invalid')}<//>
    <dl class="facts">
      <div><dt>${t('verify.dossier')}</dt><dd>${answer.dossier}</dd></div>
      <div><dt>${t('verify.agency')}</dt><dd>${loc(answer.agency_title, answer.agency)}</dd></div>
      <div><dt>${t('verify.procedure')}</dt><dd>${loc(answer.procedure?.title, answer.procedure?.name ?? '')} (${answer.procedure?.code})</dd></div>
      ${answer.result_kind && html`<div><dt>${t('verify.kind')}</dt><dd>${answer.result_kind}</dd></div>`}
    </dl>
    <h3>${t('result.signatures')}</h3>
    <ul class="signature-list">
      ${(answer.signatures ?? []).map(
        (signature) => html`<li>
          <p><strong>${signature.signer_subject}</strong> · ${t(`signature.kind_${signature.kind}`)}</p>
          <p><span class=${`badge ${signature.status === 'valid' ? 'badge-online' : 'badge-partial'}`}>${signature.status === 'valid' ? t('signature.valid') : signature.status}</span>
            ${signature.signing_time ? ` · ${formatDateTime(signature.signing_time)}` : ''}</p>
        </li>`,
      )}
    </ul>
  </section>`;
}

export function VerifyPage() {
  const [answer, setAnswer] = useState(null);
  const [failure, setFailure] = useState(null);
  const [notIssued, setNotIssued] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);

  const check = async (file) => {
    if (!file) return;
    setBusy(true);
    setAnswer(null);
    setFailure(null);
    setNotIssued(false);
    try {
      const { data } = await api('POST', '/v1/verify', { body: file, contentType: 'application/octet-stream' });
      setAnswer(data);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setNotIssued(true);
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const onDrop = (event) => {
    event.preventDefault();
    setDragging(false);
    check(event.dataTransfer?.files?.[0]);
  };

  return html`<section>
    <${PageTitle}>${t('verify.title')}<//>
    <p class="lead">${t('verify.lead')}</p>
    <div class=${`drop-zone${dragging ? ' drop-zone-active' : ''}`}
        onDragOver=${(event) => { event.preventDefault(); setDragging(true); }}
        onDragLeave=${() => setDragging(false)} onDrop=${onDrop}>
      <p aria-hidden="true">${t('verify.drop')}</p>
      <${Field} id="verify-file" label=${t('verify.choose')}>
        <input id="verify-file" type="file" accept="application/pdf,.pdf"
          onChange=${(event) => check(event.target.files?.[0])} />
      <//>
    </div>
    ${busy && html`<p role="status">${t('verify.checking')}</p>`}
    <${ProblemAlert} error=${failure} />
    ${notIssued && html`<${Alert}>${t('verify.not_issued')}<//>`}
    ${answer && html`<${VerifyResult} answer=${answer} />`}
  </section>`;
}
