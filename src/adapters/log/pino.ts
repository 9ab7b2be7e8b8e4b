import { pino } from 'pino';
import type { Logger } from '../../ports/logger.js';

/** JSON logs on stdout. Anything that looks like a secret is redacted before it is written. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'engify' },
      redact: {
        paths: [
          '*.password',
          '*.apiKey',
          '*.authorization',
          '*.cookie',
          'headers.authorization',
          'headers.cookie',
        ],
        censor: '[redacted]',
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
  return logger as unknown as Logger;
}
