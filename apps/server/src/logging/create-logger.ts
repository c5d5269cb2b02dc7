import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino removes from every log line. The gateway never logs request headers,
 * bodies or query strings, but anything a package might attach under these names
 * is censored as a second line of defence.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.accessToken',
  '*.refreshToken',
  '*.idToken',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.code',
  '*.code_verifier',
  '*.client_secret',
  '*.clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'client_secret',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  level?: string;
  /** Where JSON lines go; default stdout. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** Structured JSON logger with token fields redacted (SPEC §9). */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'auth-server' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(1),
  );
}
