import type { Logger } from '../../src/ports/logger.js';

export interface LogEntry {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

/** A Logger that remembers what it was told. */
export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const at =
    (level: string) =>
    (a: Record<string, unknown> | string, msg?: string): void => {
      entries.push(typeof a === 'string' ? { level, obj: {}, msg: a } : { level, obj: a, msg: msg ?? '' });
    };
  const logger = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}
