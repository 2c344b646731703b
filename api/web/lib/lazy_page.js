// lazy_page.js: a route page whose module loads only when the route opens
// (dynamic import), so the staff sections add nothing to the first page's
// JS and CSS. `styles` names a stylesheet the section needs; it is linked
// once, on first use (a <link>, which the Content-Security-Policy allows).

import { html, useEffect, useState } from '/web/lib/html.js';
import { Loading, ProblemAlert } from '/web/lib/ui.js';

const linkedStyles = new Set();

function linkStyles(href) {
  if (!href || linkedStyles.has(href)) return;
  linkedStyles.add(href);
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.append(link);
}

// A page component for `load()` (resolving to a module) and its export `name`.
export function lazyPage(load, name, styles) {
  let cached = null;
  return function LazyPage(props) {
    const [Page, setPage] = useState(() => cached);
    const [error, setError] = useState(null);
    useEffect(() => {
      if (Page) return;
      linkStyles(styles);
      load().then(
        (module) => {
          cached = module[name];
          setPage(() => cached);
        },
        setError,
      );
    }, []);
    if (error) return html`<${ProblemAlert} error=${error} />`;
    if (!Page) return html`<${Loading} />`;
    return html`<${Page} ...${props} />`;
  };
}
