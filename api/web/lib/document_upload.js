// document_upload.js: a file input that uploads the chosen file at once to
// POST /v1/documents with a progress bar, and hands the stored document's
// info ({id, size, media_type}) to `onChange`. Forms then name the document
// by its id (the SHA-256 of its bytes). With `earlier` (documents the caller
// gave with earlier dossiers, or results issued to them: [{id, label}]), a
// list offers to reuse one instead of uploading it again; the server accepts
// only such ids.

import { html, useState } from '/web/lib/html.js';
import { uploadDocument } from '/web/lib/api.js';
import { t } from '/web/lib/i18n.js';
import { Field, ProgressBar, describedBy, problemText } from '/web/lib/ui.js';

export function DocumentUpload({ id, label, required, hint, error, value, onChange, accept, earlier = [] }) {
  const [progress, setProgress] = useState(null);
  const [uploadError, setUploadError] = useState(null);
  const [fileName, setFileName] = useState('');
  const shownError = uploadError ?? error;

  const onFile = async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setUploadError(null);
    setProgress(0);
    onChange(null);
    try {
      const info = await uploadDocument(file, setProgress);
      onChange({ ...info, name: file.name });
    } catch (failure) {
      setUploadError(problemText(failure));
      setProgress(null);
    }
  };

  return html`<${Field} id=${id} label=${label} required=${required} hint=${hint} error=${shownError}>
    <input id=${id} type="file" accept=${accept} onChange=${onFile}
      aria-invalid=${shownError ? 'true' : undefined}
      aria-describedby=${describedBy(id, hint, shownError)} />
    ${progress !== null && html`<${ProgressBar} value=${progress} label=${t('upload.progress', { name: fileName })} />`}
    ${earlier.length > 0 &&
    html`<p class="reuse"><label for=${`${id}-reuse`}>${t('upload.reuse')}</label>
      <select id=${`${id}-reuse`} value=${value?.reused ? value.id : ''}
        onChange=${(event) => {
          const chosen = earlier.find((document) => document.id === event.target.value);
          setProgress(null);
          setUploadError(null);
          onChange(chosen ? { id: chosen.id, name: chosen.label, reused: true } : null);
        }}>
        <option value="">${t('upload.reuse_none')}</option>
        ${earlier.map((document) => html`<option value=${document.id}>${document.label}</option>`)}
      </select></p>`}
    ${value &&
    html`<p class="upload-done" role="status">${t(value.reused ? 'upload.reused' : 'upload.done', { name: value.name ?? fileName })}</p>`}
  <//>`;
}
