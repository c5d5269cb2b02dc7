/**
 * RFC 3986 §5.2.4 `remove_dot_segments` on an absolute path (one that starts with `/`):
 * `.` segments go, `..` segments take the segment before them along, and a path that ends
 * in a dot segment keeps its trailing `/` (`/a/b/..` → `/a/`). Climbing above the root
 * stops there (`/..` → `/`). Any other input is returned as it is.
 *
 * Only literal dots count; decode `%2E` first where it should count too (RFC 3986 §6.2.2.2).
 */
export function removeDotSegments(path: string): string {
  if (!path.startsWith('/')) return path;
  const segments = path.split('/');
  const out: string[] = [];
  const last = segments.length - 1;
  for (let i = 1; i <= last; i += 1) {
    const segment = segments[i]!;
    if (segment === '.' || segment === '..') {
      if (segment === '..') out.pop();
      if (i === last) out.push('');
      continue;
    }
    out.push(segment);
  }
  return `/${out.join('/')}`;
}
