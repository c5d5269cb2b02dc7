import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { withTimeout } from '../with-timeout.js';
import { addressProblem } from './address-policy.js';
import { MetadataDocumentError } from './metadata-document-error.js';

/** One resolved address of a host. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (`dns.lookup` with `all: true` by default). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * The addresses the fetch of `url` may connect to, every one checked before any connection
 * (draft-ietf-oauth-client-id-metadata-document §6.5): an IP literal is checked as written, a
 * name is resolved once and each of its addresses checked, so one private address among public
 * ones refuses the host. A host on the allow-list skips the check (it is still resolved once).
 */
export async function checkedAddresses(
  url: URL,
  allowedHosts: ReadonlySet<string>,
  resolve: Resolver,
  timeoutMs: number,
): Promise<ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const allowed = allowedHosts.has(host);
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: host, family: family === 6 ? 6 : 4 }];
  } else {
    try {
      // getaddrinfo has no deadline of its own; the fetch's bounds the resolution too.
      addresses = await withTimeout(
        resolve(host),
        timeoutMs,
        () => new MetadataDocumentError(`the host ${host} was not resolved within ${timeoutMs} ms`),
      );
    } catch (error) {
      if (error instanceof MetadataDocumentError) throw error;
      throw new MetadataDocumentError(`the host ${host} could not be resolved`, { cause: error });
    }
    if (addresses.length === 0) throw new MetadataDocumentError(`the host ${host} has no address`);
  }
  if (!allowed) {
    for (const { address } of addresses) {
      const problem = addressProblem(address);
      if (problem !== undefined)
        throw new MetadataDocumentError(
          `the host ${host} resolves to ${problem}, which this server does not fetch documents from (the host is not allow-listed)`,
        );
    }
  }
  return addresses;
}

/**
 * A `connect.lookup` answering only with `addresses`, the ones already checked: the socket
 * connects to a checked address even if the name would resolve elsewhere by now (DNS rebinding).
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = addresses.filter((a) => wanted === undefined || a.family === wanted);
    if (usable.length === 0) {
      callback(Object.assign(new Error('no checked address of that family'), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    if (options.all === true) {
      (callback as unknown as (error: null, all: ResolvedAddress[]) => void)(null, usable);
      return;
    }
    const first = usable[0]!;
    callback(null, first.address, first.family);
  };
}
