/**
 * A log-safe stand-in for a library error: its name and code only. Library messages
 * and causes can quote response bodies (V8's JSON errors quote the input), which may
 * hold tokens or codes, so they are never passed on.
 */
export function safeCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = errorCode(error) ?? (error.cause instanceof Error ? errorCode(error.cause) : undefined);
  const cause = new Error(code === undefined ? error.name : `${error.name} (${code})`);
  cause.name = error.name;
  return cause;
}

function errorCode(error: Error): string | undefined {
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(code) ? code : undefined;
}
