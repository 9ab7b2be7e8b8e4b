import type { Logger } from '../../ports/logger.js';
import type { MetricName, Metrics, MetricUnit } from '../../ports/metrics.js';

/** Local metrics: one debug log line per data point (the AWS runtime emits EMF instead). */
export class LogMetrics implements Metrics {
  constructor(private readonly logger: Logger) {}

  record(name: MetricName, value: number, unit: MetricUnit, dimensions: Record<string, string>): void {
    this.logger.debug({ metric: name, value, unit, ...dimensions }, 'metric');
  }
}

/** Keeps every data point in memory; for tests and benchmarks. */
export class MemoryMetrics implements Metrics {
  readonly points: {
    name: MetricName;
    value: number;
    unit: MetricUnit;
    dimensions: Record<string, string>;
  }[] = [];

  record(name: MetricName, value: number, unit: MetricUnit, dimensions: Record<string, string>): void {
    this.points.push({ name, value, unit, dimensions });
  }
}
