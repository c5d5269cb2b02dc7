/** The pino-compatible logger shape this package accepts; defaults to a silent one. */
export interface UpstreamLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
