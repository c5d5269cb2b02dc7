/** ` (ENOENT)` for an fs error, else `''`: the code only, never the error's text. */
export function errorCodeSuffix(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : '';
}
