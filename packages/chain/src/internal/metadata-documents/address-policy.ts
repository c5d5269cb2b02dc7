import { createRequire } from 'node:module';

// ipaddr.js is CommonJS with `export =`; required so the strict ESM settings need no interop flag.
const ipaddr = createRequire(import.meta.url)('ipaddr.js') as typeof import('ipaddr.js');

/**
 * Why the authorization server must not connect to `address` for a client metadata document
 * (draft-ietf-oauth-client-id-metadata-document §6.5, SSRF), or `undefined` for a public
 * unicast address. Refused: loopback, private, link-local, unique-local, carrier-grade NAT,
 * unspecified, multicast, broadcast, reserved and documentation ranges, and IPv6 forms that
 * carry an IPv4 address (mapped, NAT64, 6to4, Teredo), which are judged by what they carry or refused.
 */
export function addressProblem(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d to the socket layer.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  return `${address} is a ${RANGE_NAMES[range] ?? `${range} (non-public)`} address`;
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local (private)',
  carrierGradeNat: 'carrier-grade NAT (private)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};
