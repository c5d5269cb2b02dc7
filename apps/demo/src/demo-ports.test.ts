import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, parseDemoPorts, withPorts } from './demo-ports.js';

describe('demo ports', () => {
  it('reads any subset of DEMO_PORTS', () => {
    expect(parseDemoPorts(undefined)).toEqual({});
    expect(parseDemoPorts('gateway=18080, client=18090')).toEqual({ gateway: 18080, client: 18090 });
  });

  it.each(['nope=1', 'gateway=0', 'gateway=70000', 'gateway=12a'])('refuses %s', (text) => {
    expect(() => parseDemoPorts(text)).toThrow(/DEMO_PORTS/);
  });

  it('moves every default port of the example config, and only those', () => {
    const ports = { ...DEFAULT_PORTS, gateway: 18080, corp: 19001, corpBackend: 19101 };
    const text =
      'issuer: http://127.0.0.1:8080\nissuer: http://127.0.0.1:9001\nbackend: http://127.0.0.1:9101\nx: http://127.0.0.1:7777';
    expect(withPorts(text, ports)).toBe(
      'issuer: http://127.0.0.1:18080\nissuer: http://127.0.0.1:19001\nbackend: http://127.0.0.1:19101\nx: http://127.0.0.1:7777',
    );
  });
});
