import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback.js';

const hostnameOf = (authority: string) => new URL(`http://${authority}/`).hostname;

describe('isLoopbackHost (RFC 8252 §7.3, §8.3)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['127.255.255.254', true],
    ['127.1', true], // the URL parser reads it as 127.0.0.1
    ['0x7f.0.0.1', true],
    ['[::1]', true],
    ['[0:0:0:0:0:0:0:1]', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['[::ffff:127.0.0.1]', false],
    ['128.0.0.1', false],
    ['126.255.255.255', false],
    ['0.0.0.0', false],
    ['[::]', false],
    ['localhost.', false],
    ['app.localhost', false],
    ['localhost.example.com', false],
    ['127.0.0.1.example.com', false],
    ['example.com', false],
  ])('%s → %s (as the URL parser spells the host)', (authority, expected) => {
    expect(isLoopbackHost(hostnameOf(authority))).toBe(expected);
  });

  it('agrees with "first octet 127" on every IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(isLoopbackHost(hostnameOf(ip))).toBe(ip.startsWith('127.'));
      }),
    );
  });

  it('refuses spellings the URL parser never produces', () => {
    for (const raw of ['127.000.0.1', '127.0.0.256', '127.0.0', '127.0.0.1 ', '::1', ' localhost']) {
      expect(isLoopbackHost(raw), raw).toBe(false);
    }
  });
});
