import type { IncomingMessage } from 'node:http';

/**
 * Removes every `remove` header and sets `name: value`, in `req.headers`, `req.rawHeaders`
 * and `req.headersDistinct`, so no proxy library can forward the original value.
 */
export function rewriteRequestHeaders(
  req: IncomingMessage,
  remove: readonly string[],
  name: string,
  value: string,
): void {
  const drop = new Set([...remove, name]);
  for (const header of drop) delete req.headers[header];
  req.headers[name] = value;
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!drop.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  }
  kept.push(name, value);
  raw.splice(0, raw.length, ...kept);
  // Node caches headersDistinct on first read, and otherwise builds it from rawHeaders with the
  // header count of the original request (which throws once rawHeaders is shorter): set it.
  const distinct: NodeJS.Dict<string[]> = {};
  for (let i = 0; i + 1 < kept.length; i += 2) {
    const field = kept[i]!.toLowerCase();
    const values = distinct[field];
    if (values === undefined) distinct[field] = [kept[i + 1]!];
    else values.push(kept[i + 1]!);
  }
  req.headersDistinct = distinct;
}
