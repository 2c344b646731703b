// leader/queue.js: the dossiers awaiting the leader's signature (the
// leader's queue), with how to sign: download the result, sign it with
// one's own tool, upload the .p7s on the dossier page.

import { html } from '/web/lib/html.js';
import { t } from '/web/lib/i18n.js';
import { QueueView } from '/web/clerk/queue.js';
import { SigningSteps } from '/web/leader/signing.js';

export function SigningQueuePage({ query }) {
  const intro = html`<p class="lead">${t('leader.intro')}</p><${SigningSteps} />`;
  return html`<${QueueView} roles=${['leader']} query=${query} basePath="/leader" title=${t('leader.title')} intro=${intro} />`;
}
