/** A pino-compatible logger; the mock IdP never logs a token, code or secret value. */
export interface MockIdpLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
