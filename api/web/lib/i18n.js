// i18n.js: the interface language and the words on screen.
//
// Vietnamese is the primary language; English is the switch. The choice is
// kept in localStorage ("motcua.lang"). Words are data in /web/i18n/{lang}.json
// (status labels included, as DOMAIN.md asks); t(key) falls back to
// Vietnamese, then to the key itself, so a missing English word still shows.
// loc(value) picks from the API's localized values ({"vi": ..., "en": ...}),
// and accepts plain strings, which API fields without localization give.

const kStorageKey = 'motcua.lang';
export const kLanguages = ['vi', 'en'];

const messages = { vi: {}, en: {} };
let current = 'vi';
const listeners = new Set();

function storedLanguage() {
  try {
    const stored = localStorage.getItem(kStorageKey);
    return kLanguages.includes(stored) ? stored : 'vi';
  } catch {
    return 'vi';
  }
}

async function loadMessages(lang) {
  if (Object.keys(messages[lang]).length > 0) return;
  const response = await fetch(`/web/i18n/${lang}.json`, { credentials: 'same-origin' });
  if (response.ok) messages[lang] = await response.json();
}

// Loads the stored language (and Vietnamese, the fallback) before first render.
export async function initLanguage() {
  current = storedLanguage();
  await Promise.all([loadMessages('vi'), loadMessages(current)]);
  document.documentElement.lang = current;
}

export function language() {
  return current;
}

export async function setLanguage(lang) {
  if (!kLanguages.includes(lang)) return;
  await loadMessages(lang);
  current = lang;
  try {
    localStorage.setItem(kStorageKey, lang);
  } catch {
    // Private browsing may refuse storage; the choice then lasts this page.
  }
  document.documentElement.lang = lang;
  listeners.forEach((listener) => listener(lang));
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// The word for `key` with {name} placeholders filled from `params`.
export function t(key, params = {}) {
  const text = messages[current][key] ?? messages.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

// A localized API value: {"vi","en"} object, plain string, or nothing.
export function loc(value, fallback = '') {
  if (value == null) return fallback;
  if (typeof value === 'string') return value;
  return value[current] ?? value.vi ?? value.en ?? fallback;
}

// The display name of something the API names with an optional localized
// `title` beside its older plain `name`.
export function titleOf(item, fallbackKey = 'key') {
  if (!item) return '';
  return loc(item.title, item.name ?? item[fallbackKey] ?? '');
}

const kZone = 'Asia/Ho_Chi_Minh';

function locale() {
  return current === 'vi' ? 'vi-VN' : 'en-GB';
}

// A date-time of the API (RFC 3339) as the applicant reads it, in Vietnam's time.
export function formatDateTime(value) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(locale(), { timeZone: kZone, dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(value) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleDateString(locale(), { timeZone: kZone, dateStyle: 'medium' });
}

export function formatMoney(vnd) {
  if (vnd == null) return '';
  if (vnd === 0) return t('fee.free');
  return `${Number(vnd).toLocaleString(locale())} ₫`;
}

// The plain-language label of a national dossier status code (1-10).
export function statusLabel(code) {
  return t(`status.${code}`);
}

// t(key) when the word exists, else `fallback` (for API keys such as
// sectors, which the word lists may not know).
export function tOr(key, fallback) {
  const text = messages[current][key] ?? messages.vi[key];
  return text ?? fallback;
}
