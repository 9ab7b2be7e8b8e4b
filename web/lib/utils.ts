import { clsx, type ClassValue } from 'clsx';
import { twMerge } from 'tailwind-merge';

export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}

const ACRONYMS = new Set([
  'api',
  'url',
  'sql',
  'id',
  'ui',
  'ux',
  'sla',
  'slo',
  'ci',
  'cd',
  'pr',
  'qa',
  'sre',
  'adr',
  'http',
  'json',
  'yaml',
  'llm',
  'ai',
  'cli',
  'db',
  'os',
  'aws',
  'gcp',
  'k8s',
]);

/** `error_log` → "Error log", `api_url` → "API URL". */
export function humanize(name: string): string {
  const words = name.split(/[_\-\s]+/).filter(Boolean);
  return words
    .map((word, i) => {
      const lower = word.toLowerCase();
      if (ACRONYMS.has(lower)) return lower.toUpperCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

/** `senior-engineer` → "Senior engineer" (used when no taxonomy label is known). */
export function labelFromId(id: string): string {
  return humanize(id);
}

export function pluralize(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * A `?next=` target that is safe to redirect to: a same-origin relative path (`/x?y`), never
 * `//evil.example`, `/\evil.example`, `javascript:` or an absolute URL. Anything else gives `fallback`.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/account'): string {
  if (!next || next.length > 2000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  // Control characters could smuggle a scheme past the checks above once a browser strips them.
  for (const ch of next) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return fallback;
  }
  try {
    const base = 'https://engify.invalid';
    const url = new URL(next, base);
    if (url.origin !== base) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** `/signin?next=/current/page` (or plain `/signin` when `next` is not worth returning to). */
export function signInHref(next?: string, page: '/signin' | '/signup' = '/signin'): string {
  if (!next || next === '/' || next.startsWith('/signin') || next.startsWith('/signup')) return page;
  return `${page}?next=${encodeURIComponent(next)}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Mar 4, 2025" (or the input when it is not a date). Only call from client-rendered UI. */
export function formatDate(iso: string, withTime = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (withTime ? dateTimeFormat : dateFormat).format(d);
}
