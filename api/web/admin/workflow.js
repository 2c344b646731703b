// admin/workflow.js: the workflow editor. The definition is JSON in a text
// area (opened from a file, or pasted); every pause in typing lints it with
// POST /v1/procedures/lint (the text as sent, answered with
// {valid, problems: [{pointer, line, column, message, rule}]}), and each
// problem is a button that puts the caret at its line and column. The
// diagram is drawn from the text whenever it parses. Publishing is
// PUT /v1/procedures/{code}/workflow; the procedure's published versions are
// listed beside it, each after the first with what changed from the one
// before (GET /v1/procedures/{code}/versions/{from}/diff/{to}).
//
// Each version after the first can also take the dossiers still in flight on
// the one before (issue 21): a state mapping (JSON, old id -> new id; equal
// ids map by themselves), a dry run (POST .../migrations/dry-run) whose
// summary per state and blocked dossiers are shown, then a confirm step that
// applies exactly that dry run (POST .../migrations/apply with its plan and
// selection, If-Match: its plan_etag). A dossier acted on since the dry run
// is skipped by the server and listed with its reason after the apply; a
// 412 means the plan no longer matches its dry run: the page asks for a new one.
//
// Publishing sends If-Match with the latest version published when the
// editor first named the procedure (GET /v1/procedures/{code}'s version). If
// someone published since, the server answers 412 and publishes nothing:
// the page says so, lists the versions again and takes the new latest as
// its base, so publishing over it is a second, informed click.

import { html, useEffect, useRef, useState } from '/web/lib/html.js';
import { api, ApiError, getJson } from '/web/lib/api.js';
import { formatDateTime, t } from '/web/lib/i18n.js';
import { segment } from '/web/lib/router.js';
import { Alert, Field, PageTitle, ProblemAlert, useAsync } from '/web/lib/ui.js';
import { WorkflowDiagram } from '/web/admin/diagram.js';

const kLintDelayMs = 500;

// The offset in `text` of 1-based `line` and `column` (clamped to the text).
export function offsetOf(text, line, column) {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd < 0 ? text.length : lineEnd;
  return Math.min(end, offset + Math.max(0, (column ?? 1) - 1));
}

function parsed(text) {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: error.message };
  }
}

// What changed from version `from` to version `to`, fetched when opened.
function VersionChanges({ code, from, to }) {
  const [open, setOpen] = useState(false);
  const loaded = useAsync(
    () => (open ? getJson(`/v1/procedures/${segment(code)}/versions/${from}/diff/${to}`) : Promise.resolve(null)),
    [code, from, to, open],
  );
  const changes = loaded.data?.changes;
  return html`<details class="version-changes" onToggle=${(event) => setOpen(event.target.open)}>
    <summary>${t('admin.changes_from', { from })}</summary>
    ${loaded.loading ? html`<p class="muted">${t('admin.loading')}</p>`
      : loaded.error ? html`<${ProblemAlert} error=${loaded.error} />`
      : changes && changes.length === 0 ? html`<p>${t('admin.no_changes')}</p>`
      : changes && html`<ul class="change-list">${changes.map((change) => html`<li class=${`change change-${change.change}`}>
          <span class="badge">${t(`admin.change_${change.change}`)}</span> ${t(`admin.category_${change.category}`)} <code>${change.key}</code>
          ${change.changed_members.length > 0 && html` <span class="muted">(${change.changed_members.join(', ')})</span>`}
        </li>`)}</ul>`}
  </details>`;
}

// Moving the dossiers in flight on `from` to `to`: mapping, dry run, confirm.
function VersionMigration({ code, from, to }) {
  const [mapping, setMapping] = useState('{}');
  const [report, setReport] = useState(null);
  const [applied, setApplied] = useState(null);
  const [failure, setFailure] = useState(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const base = `/v1/procedures/${segment(code)}/migrations`;

  const plan = () => {
    const parsedMapping = parsed(mapping.trim() || '{}');
    if (parsedMapping.error) throw new Error(t('admin.migration_mapping_invalid'));
    return { from_version: from, to_version: to, mapping: parsedMapping.value };
  };
  const dryRun = async () => {
    setBusy(true);
    setFailure(null);
    setApplied(null);
    setStale(false);
    try {
      const sent = plan();
      const { data } = await api('POST', `${base}/dry-run`, { json: sent });
      setReport({ ...data, sent });
    } catch (error) {
      setReport(null);
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const { data } = await api('POST', `${base}/apply`, {
        json: { ...report.sent, selection: report.selection },
        headers: { 'If-Match': `"${report.plan_etag}"` },
      });
      setApplied(data);
      setReport(null);
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        setStale(true);
        setReport(null);
      } else {
        setFailure(error);
      }
    } finally {
      setBusy(false);
    }
  };
  const blocked = report?.items.filter((item) => !item.can_move) ?? [];
  const skipped = applied?.items.filter((item) => item.outcome === 'skipped') ?? [];
  return html`<details class="version-migration">
    <summary>${t('admin.migration_title', { from, to })}</summary>
    <${Field} id=${`migration-mapping-${to}`} label=${t('admin.migration_mapping')} hint=${t('admin.migration_mapping_hint')}>
      <textarea id=${`migration-mapping-${to}`} aria-describedby=${`migration-mapping-${to}-hint`} rows="3" spellcheck="false"
        value=${mapping} onInput=${(event) => setMapping(event.target.value)}></textarea>
    </${Field}>
    <button type="button" disabled=${busy} onClick=${dryRun}>${t('admin.migration_dry_run')}</button>
    ${failure && (failure instanceof ApiError ? html`<${ProblemAlert} error=${failure} />` : html`<${Alert} kind="error">${failure.message}</${Alert}>`)}
    ${stale && html`<${Alert} kind="warning">${t('admin.migration_stale')}</${Alert}>`}
    ${report && html`<div class="migration-report">
      <p>${t('admin.migration_summary', { total: report.total, movable: report.movable, blocked: report.blocked })}</p>
      <table>
        <thead><tr><th>${t('admin.migration_state')}</th><th>${t('admin.migration_count')}</th><th>${t('admin.migration_movable')}</th><th>${t('admin.migration_blocked')}</th></tr></thead>
        <tbody>${report.states.map((row) => html`<tr>
          <td><code>${row.state}</code></td><td>${row.count}</td><td>${row.movable}</td>
          <td>${Object.entries(row.blocked).map(([reason, count]) => html`<span class="badge">${t(`admin.migration_reason_${reason}`)}: ${count}</span> `)}</td>
        </tr>`)}</tbody>
      </table>
      ${blocked.length > 0 && html`<ul class="migration-blocked">${blocked.map((item) => html`<li>
        <code>${item.code}</code> · ${t(`admin.migration_reason_${item.reason}`)}
      </li>`)}</ul>`}
      <button type="button" class="primary" disabled=${busy || report.movable === 0} onClick=${apply}>
        ${t('admin.migration_confirm', { count: report.movable, to })}
      </button>
    </div>`}
    ${applied && html`<${Alert} kind="success">${t('admin.migration_applied', { moved: applied.moved, skipped: applied.skipped })}</${Alert}>`}
    ${skipped.length > 0 && html`<ul class="migration-skipped">${skipped.map((item) => html`<li>
      <code>${item.code}</code> · ${t(`admin.migration_reason_${item.reason}`)}
    </li>`)}</ul>`}
  </details>`;
}

function Versions({ code }) {
  const loaded = useAsync(() => (code ? getJson(`/v1/procedures/${segment(code)}/versions`) : Promise.resolve(null)), [code]);
  if (!code) return null;
  return html`<section class="panel" aria-labelledby="versions-heading">
    <h2 id="versions-heading">${t('admin.versions', { code })}</h2>
    ${loaded.loading ? null
      : loaded.error instanceof ApiError && loaded.error.status === 404 ? html`<p>${t('admin.no_versions')}</p>`
      : loaded.error ? html`<${ProblemAlert} error=${loaded.error} />` :
      html`<ol class="version-list" reversed>${[...(loaded.data?.items ?? [])].reverse().map((v) => html`<li>
        <strong>v${v.version}</strong> · ${formatDateTime(v.published_at)} · ${v.published_by}
        <span class="muted"> · <code>${String(v.content_hash ?? '').slice(0, 12)}</code>${v.owner_agency ? ` · ${v.owner_agency}` : ''}</span>
        ${v.version > 1 && html`<${VersionChanges} code=${code} from=${v.version - 1} to=${v.version} />`}
        ${v.version > 1 && html`<${VersionMigration} code=${code} from=${v.version - 1} to=${v.version} />`}
      </li>`)}</ol>`}
  </section>`;
}

export function WorkflowPage() {
  const [text, setText] = useState('');
  const [lint, setLint] = useState(null);
  const [lintUnavailable, setLintUnavailable] = useState(false);
  const [published, setPublished] = useState(null);
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState(false);
  // {code, version}: the latest version when the editor named `code`
  // (version null: not published yet).
  const [base, setBase] = useState(null);
  const [versionsShown, setVersionsShown] = useState(0);
  const editor = useRef(null);
  const generation = useRef(0);
  const json = parsed(text);
  const code = json.value?.procedure?.code ?? '';

  useEffect(() => {
    if (!text.trim()) {
      setLint(null);
      return undefined;
    }
    const mine = ++generation.current;
    const timer = setTimeout(async () => {
      try {
        const { data } = await api('POST', '/v1/procedures/lint', { body: text, contentType: 'application/json' });
        if (mine === generation.current) {
          setLint(data);
          setLintUnavailable(false);
        }
      } catch (error) {
        if (mine !== generation.current) return;
        if (error instanceof ApiError && (error.status === 404 || error.status === 405)) setLintUnavailable(true);
        else setLint({ valid: false, problems: [], failed: error });
      }
    }, kLintDelayMs);
    return () => clearTimeout(timer);
  }, [text]);

  const latestVersion = async (of) => {
    try {
      return (await getJson(`/v1/procedures/${segment(of)}`)).version;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  };

  useEffect(() => {
    if (!code || base?.code === code) return undefined;
    let current = true;
    latestVersion(code).then(
      (version) => current && setBase({ code, version }),
      () => current && setBase({ code, version: null }),
    );
    return () => {
      current = false;
    };
  }, [code]);

  const goTo = (problem) => {
    const area = editor.current;
    if (!area) return;
    const offset = offsetOf(text, problem.line ?? 1, problem.column ?? 1);
    area.focus();
    area.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, ((problem.line ?? 1) - 1) * lineHeight - area.clientHeight / 2);
  };

  const openFile = async (event) => {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  };

  const publish = async () => {
    setBusy(true);
    setFailure(null);
    setPublished(null);
    setStale(false);
    const headers = base?.code === code && base.version != null ? { 'If-Match': `"${base.version}"` } : {};
    try {
      const { data } = await api('PUT', `/v1/procedures/${segment(code)}/workflow`, { body: text, contentType: 'application/json', headers });
      setPublished(data);
      setBase({ code, version: data.version });
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        // The explanation names the new latest version: learn it first.
        setBase({ code, version: await latestVersion(code).catch(() => null) });
        setStale(true);
        setVersionsShown((n) => n + 1);
      } else {
        setFailure(error);
      }
    } finally {
      setBusy(false);
    }
  };

  const problems = lint?.problems ?? [];
  const canPublish = Boolean(code) && !json.error && (lintUnavailable || lint?.valid === true) && !busy;
  return html`<section class="workflow-studio">
    <${PageTitle}>${t('admin.workflow_title')}<//>
    <p class="lead">${t('admin.workflow_intro')}</p>
    <div class="studio-grid">
      <div>
        <${Field} id="workflow-file" label=${t('admin.open_file')}>
          <input id="workflow-file" type="file" accept=".json,application/json" onChange=${openFile} />
        <//>
        <${Field} id="workflow-text" label=${t('admin.definition')} hint=${t('admin.definition_hint')}>
          <textarea id="workflow-text" ref=${editor} class="code-editor" rows="24" spellcheck="false"
            value=${text} onInput=${(e) => setText(e.target.value)} aria-describedby="workflow-text-hint"></textarea>
        <//>
        <div role="status" class="lint-status">
          ${!text.trim() ? t('admin.lint_empty')
            : lintUnavailable ? t('admin.lint_unavailable')
            : !lint ? t('admin.lint_running')
            : lint.valid ? html`<span class="lint-ok">✔ ${t('admin.lint_valid')}</span>`
            : html`<span class="lint-bad">${t('admin.lint_problems', { count: problems.length })}</span>`}
        </div>
        ${lint?.failed && html`<${ProblemAlert} error=${lint.failed} />`}
        ${lintUnavailable && json.error && html`<${Alert}>${t('admin.json_error', { message: json.error })}<//>`}
        ${problems.length > 0 && html`<ul class="lint-problems">${problems.map((p) => html`<li>
          <button type="button" class="problem-button" onClick=${() => goTo(p)}>
            <span class="problem-where">${t('admin.line_column', { line: p.line ?? '?', column: p.column ?? '?' })}</span>
            <span>${p.message}</span>
            <span class="muted"> ${p.rule ? `[${p.rule}]` : ''} ${p.pointer ?? ''}</span>
          </button></li>`)}</ul>`}
        <${ProblemAlert} error=${failure} />
        ${failure instanceof ApiError && (failure.problem.errors ?? []).length > 0 && html`<ul class="lint-problems">
          ${failure.problem.errors.map((e) => html`<li>${e.pointer}: ${e.message}</li>`)}</ul>`}
        ${stale && html`<${Alert} kind="warning">${t('admin.publish_stale', { version: base?.version ?? '?' })}<//>`}
        ${published && html`<${Alert} kind="success">${t('admin.published', { code: published.procedure, version: published.version })}<//>`}
        <p><button type="button" class="button" disabled=${!canPublish} onClick=${publish}>
          ${code ? t('admin.publish', { code }) : t('admin.publish_no_code')}</button></p>
      </div>
      <div>
        <section class="panel" aria-labelledby="diagram-heading">
          <h2 id="diagram-heading">${t('admin.diagram')}</h2>
          ${json.value ? html`<${WorkflowDiagram} definition=${json.value} />` : html`<p class="muted">${t('admin.diagram_empty')}</p>`}
        </section>
        <${Versions} key=${`${code}-${published?.version ?? ''}-${versionsShown}`} code=${code} />
      </div>
    </div>
  </section>`;
}
