import type { Execution, ExecutionQuery, ExecutionStore } from '../../ports/execution-store.js';
import type { Provider } from '../../ports/provider-key-store.js';
import { cachedPrepare, type Db } from './database.js';

interface Row {
  id: string;
  user_id: string;
  prompt_slug: string | null;
  provider: Provider;
  model: string;
  key_id: string | null;
  options: string;
  compare_id: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  tokens_estimated: number;
  cost_usd: number | null;
  price_version: string | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  status: Execution['status'];
  error_code: string | null;
  output?: string;
  created_at: string;
  finished_at: string | null;
}

function toExecution(r: Row): Omit<Execution, 'output'> & { output?: string } {
  return {
    id: r.id,
    userId: r.user_id,
    promptSlug: r.prompt_slug,
    provider: r.provider,
    model: r.model,
    keyId: r.key_id,
    options: JSON.parse(r.options) as Execution['options'],
    compareId: r.compare_id,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    tokensEstimated: r.tokens_estimated === 1,
    costUsd: r.cost_usd,
    priceVersion: r.price_version,
    latencyMs: r.latency_ms,
    ttftMs: r.ttft_ms,
    status: r.status,
    errorCode: r.error_code,
    ...(r.output !== undefined ? { output: r.output } : {}),
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

const LIST_COLUMNS = `id, user_id, prompt_slug, provider, model, key_id, options, compare_id, input_tokens,
  output_tokens, tokens_estimated, cost_usd, price_version, latency_ms, ttft_ms, status, error_code,
  created_at, finished_at`;

export class SqliteExecutionStore implements ExecutionStore {
  private readonly stmt: Db['prepare'];

  constructor(private readonly db: Db) {
    this.stmt = cachedPrepare(db);
  }

  async create(e: Execution): Promise<void> {
    this.stmt(
      `INSERT INTO executions (id, user_id, prompt_slug, provider, model, key_id, options, compare_id,
           input_tokens, output_tokens, tokens_estimated, cost_usd, price_version, latency_ms, ttft_ms,
           status, error_code, output, created_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      e.id,
      e.userId,
      e.promptSlug,
      e.provider,
      e.model,
      e.keyId,
      JSON.stringify(e.options),
      e.compareId,
      e.inputTokens,
      e.outputTokens,
      e.tokensEstimated ? 1 : 0,
      e.costUsd,
      e.priceVersion,
      e.latencyMs,
      e.ttftMs,
      e.status,
      e.errorCode,
      e.output,
      e.createdAt,
      e.finishedAt,
    );
  }

  async finish(id: string, r: Parameters<ExecutionStore['finish']>[1]): Promise<void> {
    this.stmt(
      `UPDATE executions SET input_tokens = ?, output_tokens = ?, tokens_estimated = ?, cost_usd = ?,
           price_version = ?, latency_ms = ?, ttft_ms = ?, status = ?, error_code = ?, output = ?, finished_at = ?
         WHERE id = ?`,
    ).run(
      r.inputTokens,
      r.outputTokens,
      r.tokensEstimated ? 1 : 0,
      r.costUsd,
      r.priceVersion,
      r.latencyMs,
      r.ttftMs,
      r.status,
      r.errorCode,
      r.output,
      r.finishedAt,
      id,
    );
  }

  async get(userId: string, id: string): Promise<Execution | null> {
    const row = this.stmt<[string, string], Row>('SELECT * FROM executions WHERE user_id = ? AND id = ?').get(
      userId,
      id,
    );
    return row ? (toExecution(row) as Execution) : null;
  }

  async list(query: ExecutionQuery) {
    const where = ['user_id = ?'];
    const params: (string | number)[] = [query.userId];
    for (const [column, value] of [
      ['provider', query.provider],
      ['model', query.model],
      ['status', query.status],
    ] as const) {
      if (value) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    if (query.cursor) {
      const [createdAt, id] = Buffer.from(query.cursor, 'base64url').toString('utf8').split('\n');
      if (!createdAt || !id) throw new RangeError('invalid cursor');
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(createdAt, createdAt, id);
    }
    const rows = this.stmt<unknown[], Row>(
      `SELECT ${LIST_COLUMNS} FROM executions WHERE ${where.join(' AND ')}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
    ).all(...params, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toExecution),
      nextCursor:
        rows.length > query.limit && last
          ? Buffer.from(`${last.created_at}\n${last.id}`).toString('base64url')
          : null,
    };
  }

  async tokensOnDay(userId: string, day: string): Promise<number> {
    // Kept by triggers on executions (migration 8): one row per user and UTC day.
    return (
      this.stmt<[string, string], { tokens: number }>(
        'SELECT tokens FROM token_usage_daily WHERE user_id = ? AND day = ?',
      ).get(userId, day)?.tokens ?? 0
    );
  }
}
