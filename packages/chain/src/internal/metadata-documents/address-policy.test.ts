import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressProblem } from './address-policy.js';
import { pinnedLookup } from './pinned-addresses.js';

describe('addressProblem (SSRF, draft-ietf-oauth-client-id-metadata-document §6.5)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(addressProblem(address)).toContain(kind);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(addressProblem(address)).toBeUndefined();
  });

  it('refuses every 10/8, 127/8 and 192.168/16 address, and never throws', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const problem = addressProblem(ip);
        if (/^(10|127)\./.test(ip) || ip.startsWith('192.168.')) expect(problem).toBeDefined();
      }),
    );
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(() => addressProblem(value)).not.toThrow();
      }),
    );
  });
});

describe('pinnedLookup', () => {
  const pinned = pinnedLookup([
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ]);
  const lookup = (options: { all?: boolean; family?: number }) =>
    new Promise<unknown>((resolve) => {
      pinned('rebound.example', options as never, (error, address, family) =>
        resolve(error === null ? { address, family } : { error: (error as NodeJS.ErrnoException).code }),
      );
    });

  it('answers only the checked addresses, whatever the name resolves to now', async () => {
    expect(await lookup({ all: true })).toEqual({
      address: [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookup({})).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await lookup({ family: 6 })).toEqual({ address: '::1', family: 6 });
  });

  it('fails rather than answer an unchecked family', async () => {
    const v4only = pinnedLookup([{ address: '127.0.0.1', family: 4 }]);
    const result = await new Promise<unknown>((resolve) => {
      v4only('x', { family: 6 } as never, (error) => resolve((error as NodeJS.ErrnoException).code));
    });
    expect(result).toBe('ENOTFOUND');
  });
});
