import { createHash, randomBytes } from 'node:crypto';
import type { Pattern, PatternSummary, Difficulty } from '../../features/patterns/schema.js';
import type { Prompt, PromptContent } from '../../features/prompts/schema.js';
import {
  InvalidCursorError,
  type CatalogContent,
  type CatalogStore,
  type Facets,
  type PromptPage,
  type PromptQuery,
  type PromptSummary,
  type SyncReport,
  type UserPromptInput,
} from '../../ports/catalog-store.js';
import type { Db } from './database.js';

interface PromptRow {
  id: number;
  slug: string;
  source: 'builtin' | 'user';
  title: string;
  description: string;
  category: string;
  difficulty: Difficulty;
  roles: string;
  tags: string;
  patterns: string;
  variables: string;
  template: string;
  content_hash: string;
  created_at: string;
  updated_at: string;
  owner_id: string | null;
  visibility: 'public' | 'private';
  rating_avg: number | null;
  rating_count: number;
}

type Cursor = { k: string | number; s: string };

const DIFFICULTIES: Difficulty[] = ['beginner', 'intermediate', 'advanced'];
const RATING_COLUMNS = `(SELECT round(avg(r.stars), 2) FROM ratings r WHERE r.prompt_id = p.id) AS rating_avg,
  (SELECT count(*) FROM ratings r WHERE r.prompt_id = p.id) AS rating_count`;
const SUMMARY_COLUMNS = `p.id, p.slug, p.source, p.title, p.description, p.category, p.difficulty, p.roles, p.tags,
  p.patterns, p.visibility, p.owner_id, ${RATING_COLUMNS}`;
/** Built-in and public prompts, plus the viewer's own (bind the viewer id, or '' for anonymous). */
const VISIBLE = "(p.source = 'builtin' OR p.visibility = 'public' OR p.owner_id = ?)";
const PUBLIC = "(p.source = 'builtin' OR p.visibility = 'public')";

/** `Review my PR!` → `review-my-pr-k3x9q2`: readable, and never clashes with a built-in. */
function userSlug(title: string): string {
  const base = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const suffix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')
    .slice(0, 6);
  return `${base || 'prompt'}-${suffix}`;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string, keyType: 'string' | 'number'): Cursor {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof value.k === keyType && typeof value.s === 'string') return value as Cursor;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/**
 * Turns free text into an FTS5 query: every word must match (AND), the last word as a prefix so
 * results appear while typing. Returns null when the text has no searchable words.
 */
export function toFtsQuery(text: string): string | null {
  const words =
    text
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, 16) ?? [];
  if (words.length === 0) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

function toSummary(row: PromptRow): PromptSummary {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    category: row.category,
    roles: JSON.parse(row.roles) as string[],
    patterns: JSON.parse(row.patterns) as string[],
    tags: JSON.parse(row.tags) as string[],
    difficulty: row.difficulty,
    source: row.source,
    visibility: row.visibility,
    rating: { average: row.rating_avg, count: row.rating_count },
  };
}

function toPrompt(row: PromptRow): Prompt {
  return {
    ...toSummary(row),
    variables: JSON.parse(row.variables) as Prompt['variables'],
    template: row.template,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SqliteCatalogStore implements CatalogStore {
  readonly kind = 'sqlite';

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async syncBuiltins(content: CatalogContent): Promise<SyncReport> {
    const catalogHash = hashOf(content);
    const report: SyncReport = {
      unchanged: false,
      prompts: { inserted: 0, updated: 0, deleted: 0, skipped: [] },
      patterns: { inserted: 0, updated: 0, deleted: 0 },
    };
    const stored = this.db
      .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'builtin_hash'")
      .get();
    if (stored?.value === catalogHash) return { ...report, unchanged: true };

    const db = this.db;
    db.transaction(() => {
      const timestamp = this.now().toISOString();

      db.prepare('DELETE FROM taxonomy').run();
      const insertTaxonomy = db.prepare(
        'INSERT INTO taxonomy (kind, id, label, description, position) VALUES (?, ?, ?, ?, ?)',
      );
      content.taxonomy.roles.forEach((r, i) => insertTaxonomy.run('role', r.id, r.label, r.description, i));
      content.taxonomy.categories.forEach((c, i) =>
        insertTaxonomy.run('category', c.id, c.label, c.description, i),
      );

      // Patterns are built-in only.
      const existingPatterns = new Map(
        db
          .prepare<[], { id: string; content_hash: string }>('SELECT id, content_hash FROM patterns')
          .all()
          .map((r) => [r.id, r.content_hash]),
      );
      const upsertPattern = db.prepare(`
        INSERT INTO patterns (id, name, category, level, summary, body, content_hash, position)
        VALUES (@id, @name, @category, @level, @summary, @body, @hash, @position)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category,
          level = excluded.level, summary = excluded.summary, body = excluded.body,
          content_hash = excluded.content_hash, position = excluded.position`);
      content.patterns.forEach((pattern, position) => {
        const hash = hashOf(pattern);
        const previous = existingPatterns.get(pattern.id);
        existingPatterns.delete(pattern.id);
        if (previous === undefined) report.patterns.inserted++;
        else if (previous !== hash) report.patterns.updated++;
        upsertPattern.run({
          id: pattern.id,
          name: pattern.name,
          category: pattern.category,
          level: pattern.level,
          summary: pattern.summary,
          body: JSON.stringify(pattern),
          hash,
          position,
        });
      });
      const deletePattern = db.prepare('DELETE FROM patterns WHERE id = ?');
      for (const id of existingPatterns.keys()) {
        deletePattern.run(id);
        report.patterns.deleted++;
      }

      const labels = this.labelIndex(content);
      const existing = new Map(
        db
          .prepare<[], Pick<PromptRow, 'id' | 'slug' | 'source' | 'content_hash'>>(
            'SELECT id, slug, source, content_hash FROM prompts',
          )
          .all()
          .map((r) => [r.slug, r]),
      );
      const shipped = new Set<string>();
      for (const prompt of content.prompts) {
        shipped.add(prompt.slug);
        const hash = hashOf(prompt);
        const row = existing.get(prompt.slug);
        if (row && row.source !== 'builtin') {
          report.prompts.skipped.push(prompt.slug);
          continue;
        }
        if (row?.content_hash === hash) continue;
        this.writePrompt(prompt, hash, row?.id, timestamp, labels(prompt));
        if (row) report.prompts.updated++;
        else report.prompts.inserted++;
      }
      for (const row of existing.values()) {
        if (row.source === 'builtin' && !shipped.has(row.slug)) {
          this.deletePrompt(row.id);
          report.prompts.deleted++;
        }
      }

      db.prepare(
        "INSERT INTO meta (key, value) VALUES ('builtin_hash', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ).run(catalogHash);
    })();
    return report;
  }

  /** Human-readable names of a prompt's category, roles and patterns, for the search index. */
  private labelIndex(content: CatalogContent): (prompt: PromptContent) => string {
    const names = new Map<string, string>();
    for (const r of content.taxonomy.roles) names.set(`role:${r.id}`, r.label);
    for (const c of content.taxonomy.categories) names.set(`category:${c.id}`, c.label);
    for (const p of content.patterns) names.set(`pattern:${p.id}`, p.name);
    return (prompt) =>
      [
        names.get(`category:${prompt.category}`),
        ...prompt.roles.map((r) => names.get(`role:${r}`)),
        ...prompt.patterns.map((p) => names.get(`pattern:${p}`)),
      ]
        .filter(Boolean)
        .join(' | ');
  }

  private writePrompt(
    prompt: PromptContent,
    hash: string,
    existingId: number | undefined,
    timestamp: string,
    labels: string,
    owner: { ownerId: string; visibility: 'public' | 'private' } | null = null,
  ): number {
    const db = this.db;
    const columns = {
      source: owner ? 'user' : 'builtin',
      ownerId: owner?.ownerId ?? null,
      visibility: owner?.visibility ?? 'public',
      slug: prompt.slug,
      title: prompt.title,
      description: prompt.description,
      category: prompt.category,
      difficulty: prompt.difficulty,
      roles: JSON.stringify(prompt.roles),
      tags: JSON.stringify(prompt.tags),
      patterns: JSON.stringify(prompt.patterns),
      variables: JSON.stringify(prompt.variables),
      template: prompt.template,
      hash,
      timestamp,
    };
    let id: number;
    if (existingId === undefined) {
      id = Number(
        db
          .prepare(
            `INSERT INTO prompts (slug, source, owner_id, visibility, title, description, category, difficulty,
               roles, tags, patterns, variables, template, content_hash, created_at, updated_at)
             VALUES (@slug, @source, @ownerId, @visibility, @title, @description, @category, @difficulty,
               @roles, @tags, @patterns, @variables, @template, @hash, @timestamp, @timestamp)`,
          )
          .run(columns).lastInsertRowid,
      );
    } else {
      id = existingId;
      db.prepare(
        `UPDATE prompts SET visibility = @visibility, title = @title, description = @description, category = @category,
           difficulty = @difficulty, roles = @roles, tags = @tags, patterns = @patterns,
           variables = @variables, template = @template, content_hash = @hash, updated_at = @timestamp
         WHERE id = @id`,
      ).run({ ...columns, id });
      db.prepare('DELETE FROM prompt_roles WHERE prompt_id = ?').run(id);
      db.prepare('DELETE FROM prompt_tags WHERE prompt_id = ?').run(id);
      db.prepare('DELETE FROM prompt_patterns WHERE prompt_id = ?').run(id);
      db.prepare('DELETE FROM prompts_fts WHERE rowid = ?').run(id);
    }
    const role = db.prepare('INSERT OR IGNORE INTO prompt_roles (role, prompt_id) VALUES (?, ?)');
    for (const r of prompt.roles) role.run(r, id);
    const tag = db.prepare('INSERT OR IGNORE INTO prompt_tags (tag, prompt_id) VALUES (?, ?)');
    for (const t of prompt.tags) tag.run(t, id);
    const pattern = db.prepare('INSERT OR IGNORE INTO prompt_patterns (pattern_id, prompt_id) VALUES (?, ?)');
    for (const p of prompt.patterns) pattern.run(p, id);
    db.prepare(
      'INSERT INTO prompts_fts (rowid, title, description, tags, labels, template) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, prompt.title, prompt.description, prompt.tags.join(' '), labels, prompt.template);
    return id;
  }

  /** Search labels for a prompt from the stored taxonomy and pattern names. */
  private storedLabels(prompt: PromptContent): string {
    const name = this.db.prepare<[string, string], { label: string }>(
      'SELECT label FROM taxonomy WHERE kind = ? AND id = ?',
    );
    const pattern = this.db.prepare<[string], { name: string }>('SELECT name FROM patterns WHERE id = ?');
    return [
      name.get('category', prompt.category)?.label,
      ...prompt.roles.map((r) => name.get('role', r)?.label),
      ...prompt.patterns.map((id) => pattern.get(id)?.name),
    ]
      .filter(Boolean)
      .join(' | ');
  }

  async createUserPrompt(ownerId: string, input: UserPromptInput): Promise<Prompt> {
    const { visibility, ...content } = input;
    const prompt: PromptContent = { ...content, slug: userSlug(input.title) };
    const at = this.now().toISOString();
    this.db.transaction(() =>
      this.writePrompt(prompt, hashOf(prompt), undefined, at, this.storedLabels(prompt), {
        ownerId,
        visibility,
      }),
    )();
    return (await this.getPrompt(prompt.slug, ownerId))!;
  }

  async updateUserPrompt(ownerId: string, slug: string, input: UserPromptInput): Promise<Prompt | null> {
    const row = this.db
      .prepare<[string, string], { id: number }>(
        "SELECT id FROM prompts WHERE slug = ? AND owner_id = ? AND source = 'user'",
      )
      .get(slug, ownerId);
    if (!row) return null;
    const { visibility, ...content } = input;
    const prompt: PromptContent = { ...content, slug };
    const at = this.now().toISOString();
    this.db.transaction(() =>
      this.writePrompt(prompt, hashOf(prompt), row.id, at, this.storedLabels(prompt), {
        ownerId,
        visibility,
      }),
    )();
    return this.getPrompt(slug, ownerId);
  }

  async deleteUserPrompt(ownerId: string, slug: string): Promise<boolean> {
    const row = this.db
      .prepare<[string, string], { id: number }>(
        "SELECT id FROM prompts WHERE slug = ? AND owner_id = ? AND source = 'user'",
      )
      .get(slug, ownerId);
    if (!row) return false;
    this.db.transaction(() => this.deletePrompt(row.id))();
    return true;
  }

  private visibleId(slug: string, viewerId: string): number | null {
    return (
      this.db
        .prepare<[string, string], { id: number }>(
          `SELECT p.id FROM prompts p WHERE p.slug = ? AND ${VISIBLE}`,
        )
        .get(slug, viewerId)?.id ?? null
    );
  }

  async setFavorite(userId: string, slug: string, favorite: boolean): Promise<boolean> {
    const id = this.visibleId(slug, userId);
    if (id === null) return false;
    if (favorite) {
      this.db
        .prepare('INSERT OR IGNORE INTO favorites (user_id, prompt_id, created_at) VALUES (?, ?, ?)')
        .run(userId, id, this.now().toISOString());
    } else {
      this.db.prepare('DELETE FROM favorites WHERE user_id = ? AND prompt_id = ?').run(userId, id);
    }
    return true;
  }

  async setRating(userId: string, slug: string, stars: number): Promise<Prompt['rating'] | null> {
    const id = this.visibleId(slug, userId);
    if (id === null) return null;
    this.db
      .prepare(
        `INSERT INTO ratings (user_id, prompt_id, stars, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, prompt_id) DO UPDATE SET stars = excluded.stars, updated_at = excluded.updated_at`,
      )
      .run(userId, id, stars, this.now().toISOString());
    const row = this.db
      .prepare<[number], { average: number | null; count: number }>(
        'SELECT round(avg(stars), 2) AS average, count(*) AS count FROM ratings WHERE prompt_id = ?',
      )
      .get(id)!;
    return row;
  }

  async taxonomyIds(): Promise<{ roles: string[]; categories: string[]; patterns: string[] }> {
    const ids = (kind: string) =>
      this.db
        .prepare<[string], { id: string }>('SELECT id FROM taxonomy WHERE kind = ? ORDER BY position')
        .all(kind)
        .map((r) => r.id);
    return {
      roles: ids('role'),
      categories: ids('category'),
      patterns: this.db
        .prepare<[], { id: string }>('SELECT id FROM patterns ORDER BY position')
        .all()
        .map((r) => r.id),
    };
  }

  private deletePrompt(id: number): void {
    this.db.prepare('DELETE FROM prompts_fts WHERE rowid = ?').run(id);
    this.db.prepare('DELETE FROM prompts WHERE id = ?').run(id);
  }

  async listPrompts(query: PromptQuery): Promise<PromptPage> {
    const where: string[] = [VISIBLE];
    const params: (string | number)[] = [query.viewerId ?? ''];
    if (query.ownerId) {
      where.push("p.owner_id = ? AND p.source = 'user'");
      params.push(query.ownerId);
    }
    if (query.favoritesOf) {
      where.push('EXISTS (SELECT 1 FROM favorites f WHERE f.prompt_id = p.id AND f.user_id = ?)');
      params.push(query.favoritesOf);
    }
    if (query.category) {
      where.push('p.category = ?');
      params.push(query.category);
    }
    if (query.difficulty) {
      where.push('p.difficulty = ?');
      params.push(query.difficulty);
    }
    if (query.role) {
      where.push('EXISTS (SELECT 1 FROM prompt_roles x WHERE x.prompt_id = p.id AND x.role = ?)');
      params.push(query.role);
    }
    if (query.tag) {
      where.push('EXISTS (SELECT 1 FROM prompt_tags x WHERE x.prompt_id = p.id AND x.tag = ?)');
      params.push(query.tag);
    }
    if (query.pattern) {
      where.push('EXISTS (SELECT 1 FROM prompt_patterns x WHERE x.prompt_id = p.id AND x.pattern_id = ?)');
      params.push(query.pattern);
    }

    const fts = query.q ? toFtsQuery(query.q) : null;
    // Column weights: title, description, tags, labels, template.
    const from = fts
      ? `(SELECT rowid AS id, bm25(prompts_fts, 10.0, 4.0, 6.0, 5.0, 1.0) AS rank
           FROM prompts_fts WHERE prompts_fts MATCH ?) hits JOIN prompts p ON p.id = hits.id`
      : 'prompts p';
    const fromParams = fts ? [fts] : [];
    const sortKey = fts ? 'hits.rank' : 'p.title COLLATE NOCASE';
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';

    const total = this.db
      .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM ${from} ${filter}`)
      .get(...fromParams, ...params)!.n;

    const pageWhere = [...where];
    const pageParams = [...params];
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor, fts ? 'number' : 'string');
      pageWhere.push(`(${sortKey} > ? OR (${sortKey} = ? AND p.slug > ?))`);
      pageParams.push(cursor.k, cursor.k, cursor.s);
    }
    const rows = this.db
      .prepare<unknown[], PromptRow & { sort_key: string | number }>(
        `SELECT ${SUMMARY_COLUMNS}, ${sortKey} AS sort_key FROM ${from}
         ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
         ORDER BY ${sortKey}, p.slug LIMIT ?`,
      )
      .all(...fromParams, ...pageParams, query.limit + 1);

    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toSummary),
      total,
      nextCursor: hasMore && last ? encodeCursor({ k: last.sort_key, s: last.slug }) : null,
    };
  }

  async getPrompt(slug: string, viewerId: string | null = null): Promise<Prompt | null> {
    const row = this.db
      .prepare<[string, string], PromptRow>(
        `SELECT p.*, ${RATING_COLUMNS} FROM prompts p WHERE p.slug = ? AND ${VISIBLE}`,
      )
      .get(slug, viewerId ?? '');
    if (!row) return null;
    const prompt = toPrompt(row);
    if (!viewerId) return prompt;
    const favorite = this.db
      .prepare('SELECT 1 FROM favorites WHERE user_id = ? AND prompt_id = ?')
      .get(viewerId, row.id);
    const rating = this.db
      .prepare<[string, number], { stars: number }>(
        'SELECT stars FROM ratings WHERE user_id = ? AND prompt_id = ?',
      )
      .get(viewerId, row.id);
    return {
      ...prompt,
      viewer: {
        owner: row.owner_id === viewerId,
        favorite: favorite !== undefined,
        rating: rating?.stars ?? null,
      },
    };
  }

  async listPatterns(): Promise<PatternSummary[]> {
    return this.db
      .prepare<[], PatternSummary>(
        `SELECT pt.id, pt.name, pt.category, pt.level, pt.summary,
           (SELECT count(*) FROM prompt_patterns pp JOIN prompts p ON p.id = pp.prompt_id
             WHERE pp.pattern_id = pt.id AND ${PUBLIC}) AS promptCount
         FROM patterns pt ORDER BY pt.position, pt.id`,
      )
      .all();
  }

  async getPattern(id: string): Promise<Pattern | null> {
    const row = this.db.prepare<[string], { body: string }>('SELECT body FROM patterns WHERE id = ?').get(id);
    return row ? (JSON.parse(row.body) as Pattern) : null;
  }

  async facets(): Promise<Facets> {
    const taxonomyFacet = (kind: 'role' | 'category', countSql: string) =>
      this.db
        .prepare<[string], { id: string; label: string; count: number }>(
          `SELECT t.id, t.label, (${countSql}) AS count FROM taxonomy t WHERE t.kind = ? ORDER BY t.position`,
        )
        .all(kind);
    const difficultyCounts = new Map(
      this.db
        .prepare<[], { id: string; count: number }>(
          `SELECT p.difficulty AS id, count(*) AS count FROM prompts p WHERE ${PUBLIC} GROUP BY p.difficulty`,
        )
        .all()
        .map((r) => [r.id, r.count]),
    );
    return {
      roles: taxonomyFacet(
        'role',
        `SELECT count(*) FROM prompt_roles x JOIN prompts p ON p.id = x.prompt_id WHERE x.role = t.id AND ${PUBLIC}`,
      ),
      categories: taxonomyFacet(
        'category',
        `SELECT count(*) FROM prompts p WHERE p.category = t.id AND ${PUBLIC}`,
      ),
      patterns: this.db
        .prepare<[], { id: string; label: string; count: number }>(
          `SELECT pt.id, pt.name AS label,
             (SELECT count(*) FROM prompt_patterns x JOIN prompts p ON p.id = x.prompt_id
               WHERE x.pattern_id = pt.id AND ${PUBLIC}) AS count
           FROM patterns pt ORDER BY pt.position, pt.id`,
        )
        .all(),
      tags: this.db
        .prepare<[], { id: string; label: string; count: number }>(
          `SELECT x.tag AS id, x.tag AS label, count(*) AS count FROM prompt_tags x JOIN prompts p ON p.id = x.prompt_id
           WHERE ${PUBLIC} GROUP BY x.tag ORDER BY count DESC, x.tag`,
        )
        .all(),
      difficulties: DIFFICULTIES.map((id) => ({
        id,
        label: id[0]!.toUpperCase() + id.slice(1),
        count: difficultyCounts.get(id) ?? 0,
      })),
    };
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
