import type { Provider } from './provider-key-store.js';

export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

export interface Execution {
  id: string;
  userId: string;
  promptSlug: string | null;
  provider: Provider;
  model: string;
  keyId: string | null;
  options: { temperature?: number; maxTokens?: number };
  /** Groups the columns of one compare run. */
  compareId: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** True when the provider reported no usage and the counts were estimated with a tokenizer. */
  tokensEstimated: boolean;
  costUsd: number | null;
  priceVersion: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  status: ExecutionStatus;
  errorCode: string | null;
  output: string;
  createdAt: string;
  finishedAt: string | null;
}

export interface ExecutionQuery {
  userId: string;
  provider?: Provider;
  model?: string;
  status?: ExecutionStatus;
  limit: number;
  cursor?: string;
}

/** Every AI run, as the user will see it in their history. */
export interface ExecutionStore {
  create(execution: Execution): Promise<void>;
  finish(
    id: string,
    result: Pick<
      Execution,
      | 'inputTokens'
      | 'outputTokens'
      | 'tokensEstimated'
      | 'costUsd'
      | 'priceVersion'
      | 'latencyMs'
      | 'ttftMs'
      | 'status'
      | 'errorCode'
      | 'output'
      | 'finishedAt'
    >,
  ): Promise<void>;
  get(userId: string, id: string): Promise<Execution | null>;
  list(query: ExecutionQuery): Promise<{ items: Omit<Execution, 'output'>[]; nextCursor: string | null }>;
  /**
   * Input + output tokens of the user's executions created on `day` (UTC, `YYYY-MM-DD`), for the daily
   * quota. Called before every model call: an adapter answers it without scanning the day's runs.
   */
  tokensOnDay(userId: string, day: string): Promise<number>;
}
