export type MetricName =
  'PromptExecutions' | 'AIResponseTime' | 'TimeToFirstToken' | 'TokensUsed' | 'ProviderErrors';

export type MetricUnit = 'Count' | 'Milliseconds';

/** Operational metrics with dimensions (provider, model, …). Logged locally; EMF on AWS. */
export interface Metrics {
  record(name: MetricName, value: number, unit: MetricUnit, dimensions: Record<string, string>): void;
}
