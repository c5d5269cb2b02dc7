import { freePort } from '@auth/test-kit';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../test-support/http-server.js';
import { rejectionOf } from '../test-support/rejection-of.js';
import { UpstreamError } from '../upstream-error.js';
import { createBoundedFetch } from './bounded-fetch.js';

let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true}');
        return;
      case '/hang':
        return; // never answers; the client's deadline must end it
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
        return; // headers sent, body never finishes
      case '/huge':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
        return;
      case '/redirect':
        res.writeHead(302, { location: '/ok' });
        res.end();
        return;
      case '/no-content':
        res.writeHead(204);
        res.end();
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
});
afterAll(async () => {
  await server?.close();
});

describe.each([
  ['undici request (the default)', undefined],
  ['an injected fetch', fetch],
] as const)('createBoundedFetch over %s', (_name, fetchImpl) => {
  const bounded = (timeoutMs = 5_000) => createBoundedFetch('idp', fetchImpl, timeoutMs);

  it('returns a readable buffered response', async () => {
    const response = await bounded()(`${server.url}/ok`, { method: 'GET' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('ends a call that gets no answer with ERR_UPSTREAM_TIMEOUT near the bound', async () => {
    const started = performance.now();
    const error = await rejectionOf(bounded(300)(`${server.url}/hang`, { method: 'GET' }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('ERR_UPSTREAM_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('bounds the body too, not only the headers', async () => {
    const error = await rejectionOf(bounded(300)(`${server.url}/slow-body`, { method: 'GET' }));
    expect((error as UpstreamError).code).toBe('ERR_UPSTREAM_TIMEOUT');
  });

  it('honours a caller signal as a timeout as well', async () => {
    const error = await rejectionOf(
      bounded(5_000)(`${server.url}/hang`, { method: 'GET', signal: AbortSignal.timeout(200) }),
    );
    expect((error as UpstreamError).code).toBe('ERR_UPSTREAM_TIMEOUT');
  });

  it('refuses bodies over 1 MiB as malformed', async () => {
    const error = await rejectionOf(bounded(5_000)(`${server.url}/huge`, { method: 'GET' }));
    expect((error as UpstreamError).code).toBe('ERR_UPSTREAM_MALFORMED_RESPONSE');
  });

  it('takes a smaller body bound when given one, and says so', async () => {
    const small = createBoundedFetch('idp', fetchImpl, 5_000, { maxBodyBytes: 8 });
    const error = (await rejectionOf(small(`${server.url}/ok`, { method: 'GET' }))) as UpstreamError;
    expect(error.code).toBe('ERR_UPSTREAM_MALFORMED_RESPONSE');
    expect(error.message).toContain('over 8 bytes');
    const fits = createBoundedFetch('idp', fetchImpl, 5_000, { maxBodyBytes: 11 });
    expect(await (await fits(`${server.url}/ok`, { method: 'GET' })).json()).toEqual({ ok: true });
  });

  it('never follows redirects', async () => {
    const response = await bounded()(`${server.url}/redirect`, { method: 'GET' });
    expect(response.status).toBe(302);
  });

  it('keeps null-body statuses', async () => {
    const response = await bounded()(`${server.url}/no-content`, { method: 'GET' });
    expect(response.status).toBe(204);
  });

  it('reports a closed port as ERR_UPSTREAM_NETWORK, keeping the system error code and no query string', async () => {
    const port = await freePort();
    const error = (await rejectionOf(
      bounded()(`http://127.0.0.1:${port}/token?secret=value`, { method: 'POST', body: 'x=1' }),
    )) as UpstreamError;
    expect(error.code).toBe('ERR_UPSTREAM_NETWORK');
    expect(error.category).toBe('unavailable');
    expect(error.message).not.toContain('secret=value');
    expect(String(error.cause)).toContain('ECONNREFUSED');
  });
});

describe('createBoundedFetch with a dispatcher', () => {
  it('sends the default transport through the given undici dispatcher', async () => {
    const dispatched: string[] = [];
    const agent = new Agent().compose((dispatch) => (options, handler) => {
      dispatched.push(`${options.origin}${options.path}`);
      return dispatch(options, handler);
    });
    const response = await createBoundedFetch('idp', undefined, 5_000, { dispatcher: agent })(
      `${server.url}/ok`,
      { method: 'GET' },
    );
    expect(await response.json()).toEqual({ ok: true });
    expect(dispatched).toEqual([`${server.url}/ok`]);
    await agent.close();
  });
});
