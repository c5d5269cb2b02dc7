/**
 * Parses a token or userinfo body: JSON, or `application/x-www-form-urlencoded`
 * (GitHub's default when the client does not ask for JSON). Returns `undefined`
 * when the body is neither a JSON object nor a well-formed form with unique keys.
 */
export function parseResponseBody(
  text: string,
  contentType: string | null,
): Record<string, unknown> | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return parseJsonObject(text);
  if (type === 'application/x-www-form-urlencoded') return parseForm(text);
  // Unlabelled or text/plain: accept whichever shape it unambiguously is.
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJsonObject(trimmed);
  if (/^[^=&\s]+=/.test(trimmed)) return parseForm(trimmed);
  return undefined;
}

/** A JSON object, or `undefined` for anything else (array, scalar, invalid JSON). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

function parseForm(text: string): Record<string, unknown> | undefined {
  const params = new URLSearchParams(text.trim());
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of params) {
    if (key.length === 0 || Object.hasOwn(out, key)) return undefined;
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
