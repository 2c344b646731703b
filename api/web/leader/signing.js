// leader/signing.js: signing a result with the leader's own tool. The steps
// (download the exact bytes of the result, sign them detached, upload the
// .p7s), the .p7s input (sent base64 in the action's `signature`), and each
// refused signature's failed check in words: the problem's type names the
// check (api/openapi.yaml, ActionPayload.signature), worded as every problem
// is (`problem.<check>` in i18n/*.json), the server's detail beside it.

import { html, useState } from '/web/lib/html.js';
import { ApiError } from '/web/lib/api.js';
import { t, tOr } from '/web/lib/i18n.js';
import { Field, ProblemDetail, describedBy, problemReason } from '/web/lib/ui.js';

// The checks the server names when it refuses a signature.
export const kSignatureChecks = [
  'content_mismatch', 'untrusted_certificate', 'certificate_not_valid_at_signing_time', 'signer_is_ca',
  'key_usage', 'certificate_revoked', 'revocation_unknown', 'malformed_signature', 'weak_digest',
  'signing_time_implausible', 'certificate_not_bound_to_user', 'signature_already_used',
  'signatures_unavailable', 'signature_mismatch',
];

// The check a refused signature failed, or null for another failure.
export function failedCheck(error) {
  if (!(error instanceof ApiError)) return null;
  const name = problemReason(error);
  return kSignatureChecks.includes(name) ? name : null;
}

export function SignatureRefusal({ error }) {
  const check = failedCheck(error);
  if (!check) return null;
  return html`<div class="alert alert-error signature-refusal" role="alert">
    <p><strong>${t('leader.refused')}</strong></p>
    <p>${tOr(`problem.${check}`, check)}</p>
    <p class="muted">${t('leader.check_code', { code: check })}</p>
    <${ProblemDetail} error=${error} />
  </div>`;
}

export function SigningSteps({ code }) {
  const file = code ? `${code}.pdf` : 'result.pdf';
  return html`<ol class="signing-steps">
    <li>${t('leader.step_download')}</li>
    <li>${t('leader.step_sign')}
      <pre class="command"><code>motcua sign --key leader.key --cert leader.pem --chain chain.pem --in ${file} --out ${file}.p7s</code></pre>
      <span class="muted">${t('leader.step_sign_other')}</span></li>
    <li>${t('leader.step_upload')}</li>
  </ol>`;
}

function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// A .p7s file input; hands the signature's base64 to `onChange`.
export function SignatureInput({ id, error, onChange }) {
  const [name, setName] = useState('');
  const hint = t('leader.p7s_hint');
  const onFile = async (event) => {
    const file = event.target.files?.[0];
    if (!file) return onChange(null);
    setName(file.name);
    onChange(await base64Of(file));
  };
  return html`<${Field} id=${id} label=${t('leader.p7s')} required hint=${hint} error=${error}>
    <input id=${id} type="file" accept=".p7s,application/pkcs7-signature" onChange=${onFile}
      aria-describedby=${describedBy(id, hint, error)} aria-invalid=${error ? 'true' : undefined} />
    ${name && html`<p class="upload-done" role="status">${t('leader.p7s_chosen', { name })}</p>`}
  <//>`;
}
