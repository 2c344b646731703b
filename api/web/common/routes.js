// common/routes.js: pages every visitor shares.
import { SignInPage } from '/web/common/sign_in.js';

export const routes = [
  { path: '/sign-in', page: SignInPage, title: 'signin.title' },
];
