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
