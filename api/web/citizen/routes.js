// citizen/routes.js: the citizen portal. Public: the catalogue, a
// procedure, the verification page. Signed in: submitting, my dossiers, one
// dossier (which the server shows only to its applicant and the agency's
// staff).
import { CataloguePage } from '/web/citizen/catalogue.js';
import { ProcedurePage } from '/web/citizen/procedure.js';
import { SubmitPage } from '/web/citizen/submit.js';
import { DossiersPage } from '/web/citizen/dossiers.js';
import { DossierPage } from '/web/citizen/dossier.js';
import { VerifyPage } from '/web/citizen/verify.js';

export const routes = [
  { path: '/', page: CataloguePage, title: 'catalogue.title', nav: { label: 'nav.catalogue' } },
  { path: '/procedures/:code', page: ProcedurePage },
  { path: '/procedures/:code/submit', page: SubmitPage, title: 'submit.title', signedIn: true },
  { path: '/dossiers', page: DossiersPage, title: 'dossiers.title', signedIn: true, nav: { label: 'nav.dossiers' } },
  { path: '/dossiers/:code', page: DossierPage, signedIn: true },
  { path: '/verify', page: VerifyPage, title: 'verify.title', nav: { label: 'nav.verify' } },
];
