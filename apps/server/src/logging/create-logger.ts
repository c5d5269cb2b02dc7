import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

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

const ignore = (): void => {};

/** Lines are held until this many bytes are waiting, or {@link FLUSH_INTERVAL_MS} passed. */
const BUFFER_BYTES = 4096;
const FLUSH_INTERVAL_MS = 200;

/**
 * Stdout, buffered: a write is a system call, and on a busy gateway one per log line cost more
 * than the line itself. Lines go out in 4 KiB batches and at most 200 ms late; pino flushes what
 * is left when the process exits.
 */
export function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  // With a callback, flush reports a stream that pino already ended at exit instead of throwing.
  setInterval(() => stream.flush(ignore), FLUSH_INTERVAL_MS).unref();
  return stream;
}

/** How log lines are written: one JSON object per line (for machines), or short human lines. */
export type LogFormat = 'json' | 'pretty';

/** The accepted values of {@link LogFormat}, for CLI and environment checks. */
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  level?: string;
  /** `json` (default) or `pretty`: one short line per entry, for a terminal (pino-pretty). */
  format?: LogFormat;
  /** Where lines go; default stdout (see {@link bufferedStdout}). Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/**
 * Human lines: time, level, message, then the entry's fields on the same line. The same entries
 * as JSON (redaction applies before formatting); colours only on a terminal.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pinoPretty({
    colorize: destination === undefined && process.stdout.isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    ...(destination === undefined ? {} : { destination }),
  });
}

/** Structured logger with token fields redacted: JSON lines, or human lines with `format: 'pretty'`. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const destination =
    options.format === 'pretty'
      ? prettyStream(options.destination)
      : (options.destination ?? bufferedStdout());
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'auth-server' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
