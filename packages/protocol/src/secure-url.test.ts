import { describe, expect, it } from 'vitest';
import { issuerProblem, secureUrlProblem } from './secure-url.js';

type Case = [value: string, problem: string | undefined];

/** `undefined`: the value is accepted; a string: the problem found contains it. */
function checks(rule: (value: string) => string | undefined, cases: Case[]): void {
  it.each(cases)('%s', (value, problem) => {
    const found = rule(value);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
}

describe('secureUrlProblem', () => {
  checks(secureUrlProblem, [
    ['https://idp.example.com/x?y=1', undefined],
    ['http://127.0.0.2:9001', undefined],
    ['http://[::1]:9001', undefined],
    ['http://localhost:9001', undefined],
    ['http://idp.example.com', 'must use https'],
    ['ftp://idp.example.com', 'must be an absolute http(s) URL'],
    ['/relative', 'must be an absolute http(s) URL'],
    ['https://user:pw@idp.example.com', 'must not contain credentials'],
    ['https://idp.example.com/#x', 'must not contain a fragment'],
  ]);
});

describe('issuerProblem (RFC 8414 §2)', () => {
  checks(issuerProblem, [
    ['https://gateway.example.com', undefined],
    ['https://gateway.example.com/tenant', undefined],
    ['http://127.0.0.2:8080', undefined],
    ['http://[::1]:8080', undefined],
    ['http://gateway.example.com', 'must use https'],
    ['https://gateway.example.com/', 'must not end with "/"'],
    ['https://gateway.example.com?x=1', 'must not contain a query'],
    ['https://gateway.example.com#x', 'must not contain a fragment'],
    ['https://Gateway.example.com', 'canonical form'],
    ['https://gateway.example.com:443', 'canonical form'],
    ['http://127.1:8080', 'canonical form'],
    ['not a url', 'must be an absolute http(s) URL'],
  ]);
});
