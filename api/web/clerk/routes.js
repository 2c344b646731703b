// clerk/routes.js: the clerk console (reception clerks and specialists):
// the work queue of the signed-in staff member's roles, and one dossier with
// its form, documents, history, audit and the actions available now. Pages
// load on first use (lib/lazy_page.js).
import { lazyPage } from '/web/lib/lazy_page.js';

export const kStaffStyles = '/web/clerk/staff.css';
// The roles that work a queue in the bundled workflows: the one-stop desk,
// the receiving agency's specialists, and the officers of the agencies an
// inter-agency procedure hands its branches to (police, social insurance).
export const kQueueRoles = ['reception_clerk', 'specialist', 'civil_status_officer', 'residence_officer', 'insurance_officer'];
export const kStaffRoles = [...kQueueRoles, 'leader'];

const QueuePage = lazyPage(() => import('/web/clerk/queue.js'), 'QueuePage', kStaffStyles);
const StaffDossierPage = lazyPage(() => import('/web/clerk/dossier.js'), 'StaffDossierPage', kStaffStyles);

export const routes = [
  { path: '/staff/queue', page: QueuePage, title: 'clerk.queue_title', roles: kQueueRoles, nav: { label: 'clerk.nav' } },
  // Admins and auditors open it too (from the feed), for the audit trail.
  { path: '/staff/dossiers/:code', page: StaffDossierPage, title: 'clerk.dossier_nav', roles: [...kStaffRoles, 'admin', 'auditor'] },
];
