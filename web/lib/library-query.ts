/** The library's URL state: `/library?q=&role=&category=&pattern=&difficulty=&tag=`. Client-safe. */

export const FILTER_KEYS = ['role', 'category', 'pattern', 'difficulty', 'tag'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export type LibraryQuery = { q: string } & Record<FilterKey, string>;

export const EMPTY_QUERY: LibraryQuery = {
  q: '',
  role: '',
  category: '',
  pattern: '',
  difficulty: '',
  tag: '',
};

/** Results per request. The pre-rendered page shows the first PAGE_SIZE built-in prompts. */
export const PAGE_SIZE = 24;

interface ParamsLike {
  get(name: string): string | null;
}

export function parseQuery(params: ParamsLike | null | undefined): LibraryQuery {
  const read = (k: string) => (params?.get(k) ?? '').trim();
  return {
    q: (params?.get('q') ?? '').slice(0, 200),
    role: read('role'),
    category: read('category'),
    pattern: read('pattern'),
    difficulty: read('difficulty'),
    tag: read('tag'),
  };
}

/** Canonical query string (stable key order, empty values dropped), without the leading `?`. */
export function serializeQuery(query: LibraryQuery): string {
  const qs = new URLSearchParams();
  const q = query.q.trim();
  if (q) qs.set('q', q);
  for (const key of FILTER_KEYS) if (query[key]) qs.set(key, query[key]);
  return qs.toString();
}

export function isFiltered(query: LibraryQuery): boolean {
  return query.q.trim() !== '' || FILTER_KEYS.some((k) => query[k] !== '');
}
