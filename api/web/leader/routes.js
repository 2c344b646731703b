// leader/routes.js: leaders' signing desk: the dossiers awaiting their
// signature; each opens the staff dossier page, whose signing panel
// (leader/signing.js) takes the .p7s made with the leader's own tool.
import { lazyPage } from '/web/lib/lazy_page.js';
import { kStaffStyles } from '/web/clerk/routes.js';

const SigningQueuePage = lazyPage(() => import('/web/leader/queue.js'), 'SigningQueuePage', kStaffStyles);

export const routes = [
  { path: '/leader', page: SigningQueuePage, title: 'leader.title', roles: ['leader'], nav: { label: 'leader.nav' } },
];
