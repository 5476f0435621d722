import { pino, type DestinationStream, type Logger } from 'pino';

/** Structured JSON logs; the HTTP layer adds a line per request (http/request-log.ts). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Belt and braces: the serializers below never emit these, but a careless log call might.
      redact: {
        paths: ['*.authorization', '*.cookie', '*.email', '*.token', '*.key', '*.secret', '*.password', '*.code'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
