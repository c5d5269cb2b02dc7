/** True for `localhost`, `127.0.0.0/8` and `[::1]` as `URL.hostname` spells them (RFC 8252 §7.3). */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
