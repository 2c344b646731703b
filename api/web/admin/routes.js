// admin/routes.js: the admin studio: users and tokens of the agency, the
// reports dashboard, the national-portal feed, and the workflow editor.
import { lazyPage } from '/web/lib/lazy_page.js';
import { kStaffStyles } from '/web/clerk/routes.js';

const page = (load, name) => lazyPage(load, name, kStaffStyles);
const UsersPage = page(() => import('/web/admin/users.js'), 'UsersPage');
const ReportsPage = page(() => import('/web/admin/reports.js'), 'ReportsPage');
const FeedPage = page(() => import('/web/admin/feed.js'), 'FeedPage');
const WorkflowPage = page(() => import('/web/admin/workflow.js'), 'WorkflowPage');

const kAdmins = ['admin', 'national_admin'];

export const routes = [
  { path: '/admin/users', page: UsersPage, title: 'admin.users_title', roles: kAdmins, nav: { label: 'admin.nav_users' } },
  { path: '/admin/reports', page: ReportsPage, title: 'admin.reports_title', roles: [...kAdmins, 'auditor'], nav: { label: 'admin.nav_reports' } },
  { path: '/admin/feed', page: FeedPage, title: 'admin.feed_title', roles: kAdmins, nav: { label: 'admin.nav_feed' } },
  { path: '/admin/workflows', page: WorkflowPage, title: 'admin.workflow_title', roles: kAdmins, nav: { label: 'admin.nav_workflows' } },
];
