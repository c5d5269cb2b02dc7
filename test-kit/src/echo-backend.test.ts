import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EchoBackend, type EchoedRequest, startEchoBackend } from './echo-backend.js';
import { rawRequest } from './raw-request.js';

/** An unsigned compact JWS with these claims (the echo backend reads `iss`, it verifies nothing). */
const jwt = (claims: object) =>
  `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('echo backend: which headers carried a JWT of the watched issuer', () => {
  let backend: EchoBackend | undefined;
  afterEach(() => backend?.close());

  const echo = async (headers: Record<string, string>): Promise<EchoedRequest> =>
    (await (await fetch(`${backend!.url}/mcp`, { headers })).json()) as EchoedRequest;

  it('names each header carrying one, however it is wrapped, and no other', async () => {
    backend = await startEchoBackend({ name: 'b', watchIssuer: 'http://127.0.0.1:8080' });
    const gateway = jwt({ iss: 'http://127.0.0.1:8080', sub: 'u' });
    const answer = await echo({
      authorization: `Bearer ${gateway}`,
      'X-Forwarded-Token': `x, ${gateway}`,
      'x-upstream-token': jwt({ iss: 'http://127.0.0.1:9001' }),
      'x-plain': 'midp_0123456789.abc.def',
    });
    expect(answer.jwtFrom).toEqual(['authorization', 'x-forwarded-token']);
    expect(backend.received.at(-1)?.jwtFrom).toEqual(['authorization', 'x-forwarded-token']);
  });

  it('answers [] when no header carried one', async () => {
    backend = await startEchoBackend({ name: 'b', watchIssuer: 'http://127.0.0.1:8080' });
    expect((await echo({ authorization: 'Bearer midp_opaque' })).jwtFrom).toEqual([]);
  });

  it('says nothing about JWTs without watchIssuer', async () => {
    backend = await startEchoBackend({ name: 'b' });
    expect(await echo({ authorization: `Bearer ${jwt({ iss: 'x' })}` })).not.toHaveProperty('jwtFrom');
  });
});

describe('echo backend: odd request targets', () => {
  let backend: EchoBackend;
  beforeAll(async () => {
    backend = await startEchoBackend({ name: 'echo' });
  });
  afterAll(() => backend.close());

  // Found by the fuzz campaign (issue 11): `new URL('//', base)` throws, so a request for `//`
  // (a route's path followed by `//`, proxied as sent) was never answered.
  it.each(['//', '//x?y=1', '/a//b', '*'])('answers a request for %s with its echo', async (path) => {
    const response = await rawRequest(backend.url, { method: 'POST', path, body: 'a=b' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      backend: 'echo',
      method: 'POST',
      url: path,
      body: 'a=b',
    });
  });
});
