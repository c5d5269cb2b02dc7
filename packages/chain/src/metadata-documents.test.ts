import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  authorizationRequest,
  Browser,
  browse,
  discover,
  type ListeningTls,
  listenTls,
  type TestCertificate,
  testCertificate,
} from '@auth/test-kit';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataDocumentOptions } from './authorization-server-options.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const REDIRECT = 'http://127.0.0.1:8765/callback';

/** What the document server answers for one path: a status, headers and a body (an object is JSON). */
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (the fetch's deadline must end it). */
  hang?: boolean;
}

/** An https document server on 127.0.0.1 that counts every request it gets. */
interface DocumentServer extends ListeningTls {
  answers: Map<string, Answer | ((url: string) => Answer)>;
  requests: string[];
  /** The URL of `path` at `host` (default 127.0.0.1), with this server's port. */
  at(path: string, host?: string): string;
}

async function startDocumentServer(certificate: TestCertificate): Promise<DocumentServer> {
  const answers = new Map<string, Answer | ((url: string) => Answer)>();
  const requests: string[] = [];
  let port = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '');
    const entry = answers.get(req.url ?? '');
    const answer = typeof entry === 'function' ? entry(`https://${req.headers.host}${req.url}`) : entry;
    if (answer === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (answer.hang === true) return;
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(body);
  };
  const server = await listenTls(handler, { certificate });
  port = server.port;
  return {
    ...server,
    answers,
    requests,
    at: (path, host = '127.0.0.1') => `https://${host}:${port}${path}`,
  };
}

/** A valid document for `url` (MCP 2025-11-25's example shape). */
function documentFor(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: url,
    client_name: 'Document Client',
    client_uri: 'https://app.example.com',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  };
}

let certificate: TestCertificate;
let docs: DocumentServer;
beforeAll(async () => {
  certificate = await testCertificate(['127.0.0.1', 'localhost', 'docs.test', '::1']);
  docs = await startDocumentServer(certificate);
});
afterAll(async () => {
  await docs.close();
});
afterEach(() => {
  docs.answers.clear();
  docs.requests.length = 0;
});

async function harness(metadataDocuments: MetadataDocumentOptions, now?: () => number): Promise<Harness> {
  return startHarness({
    upstreams: [{ name: 'corp', mode: 'oidc' }],
    metadataDocuments: { ca: [certificate.cert], ...metadataDocuments },
    ...(now === undefined ? {} : { now }),
  });
}

/** The authorization endpoint's answer for `clientId` (PKCE S256, state), without following redirects. */
async function authorize(h: Harness, clientId: string, redirectUri = REDIRECT): Promise<Response> {
  const as = await discover(h.issuer);
  const request = await authorizationRequest(as, { client_id: clientId }, redirectUri, { scope: 'openid' });
  return fetch(request.url, { redirect: 'manual' });
}

/** The error page of a refused URL client_id: 400, HTML, never a redirect; its text. */
async function expectErrorPage(response: Response): Promise<string> {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await response.text();
  expect(html).toContain('<code>invalid_client</code>');
  return html;
}

describe('Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document)', () => {
  describe('with 127.0.0.1 on registration.metadata_document_hosts', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await harness({ allowedHosts: ['127.0.0.1'] });
    });
    afterAll(async () => {
      await h.close();
    });

    it('says client_id_metadata_document_supported in both metadata documents', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        const metadata = (await (await fetch(`${h.issuer}${path}`)).json()) as Record<string, unknown>;
        expect(metadata['client_id_metadata_document_supported'], path).toBe(true);
      }
    });

    it('a client identified by its document completes a login with openid-client', async () => {
      const clientId = docs.at('/oauth/client.json');
      docs.answers.set('/oauth/client.json', { body: documentFor(clientId) });
      const config = await client.discovery(
        new URL(h.issuer),
        clientId,
        { id_token_signed_response_alg: 'ES256' },
        client.None(),
        { execute: [client.allowInsecureRequests] },
      );
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        resource: h.resource('/mcp/corp'),
      });
      const ride = await browse(url, { browser: new Browser(), stopAt: REDIRECT });
      expect(ride.stopped).toBe(true);
      expect(ride.consentShown).toBe(true);
      const tokens = await client.authorizationCodeGrant(
        config,
        ride.final,
        { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce },
        { resource: h.resource('/mcp/corp') },
      );
      const claims = decodeJwt(tokens.access_token);
      expect(claims['client_id']).toBe(clientId);
      // openid was granted: the issuer is an audience too (userinfo, RFC 9068 §4; packages/chain/README.md).
      expect(claims['aud']).toEqual([h.resource('/mcp/corp'), h.issuer]);
      expect(tokens.claims()?.aud).toBe(clientId);
      expect(tokens.refresh_token).toBeTypeOf('string');
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).toBeTypeOf('string');
      // One fetch served the authorization, the code exchange and the refresh (cached).
      expect(docs.requests).toEqual(['/oauth/client.json']);
    });

    it('the consent page shows the document host and its client_name, escaped', async () => {
      const clientId = docs.at('/named.json');
      docs.answers.set('/named.json', { body: documentFor(clientId, { client_name: 'Docs <b>App</b>' }) });
      const response = await authorize(h, clientId);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('Docs &lt;b&gt;App&lt;/b&gt;');
      expect(html).toContain(`published at <strong>127.0.0.1:${docs.port}</strong>`);
    });

    it('matches redirect URIs exactly against the document: another one gets the page, never a redirect', async () => {
      const clientId = docs.at('/exact.json');
      docs.answers.set('/exact.json', { body: documentFor(clientId) });
      for (const redirect of ['http://127.0.0.1:8765/callback/x', 'https://evil.example/callback']) {
        const response = await authorize(h, clientId, redirect);
        expect(response.status, redirect).toBe(400);
        expect(response.headers.get('location')).toBeNull();
        expect(await response.text()).toContain('The redirect URI is not registered');
      }
    });

    const refused: Array<[string, (url: string) => Answer, string]> = [
      [
        'a document for another URL',
        () => ({ body: documentFor('https://other.example/c.json') }),
        'its client_id is not the URL it was fetched from',
      ],
      [
        'a document without client_id',
        (url) => ({ body: { ...documentFor(url), client_id: undefined } }),
        'it has no client_id',
      ],
      [
        'a document without client_name',
        (url) => ({ body: { ...documentFor(url), client_name: undefined } }),
        'it has no client_name',
      ],
      [
        'a redirect URI it may not use',
        (url) => ({ body: documentFor(url, { redirect_uris: ['javascript:alert(1)'] }) }),
        'redirect URI must use https',
      ],
      [
        'no redirect URIs',
        (url) => ({ body: documentFor(url, { redirect_uris: [] }) }),
        'redirect_uris is required',
      ],
      [
        'client_secret_basic',
        (url) => ({ body: documentFor(url, { token_endpoint_auth_method: 'client_secret_basic' }) }),
        'a shared secret a metadata document cannot establish',
      ],
      [
        'client_secret_post',
        (url) => ({ body: documentFor(url, { token_endpoint_auth_method: 'client_secret_post' }) }),
        'a shared secret a metadata document cannot establish',
      ],
      [
        'client_secret_jwt',
        (url) => ({ body: documentFor(url, { token_endpoint_auth_method: 'client_secret_jwt' }) }),
        'a shared secret a metadata document cannot establish',
      ],
      [
        'private_key_jwt',
        (url) => ({
          body: documentFor(url, {
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: 'https://app.example.com/jwks',
          }),
        }),
        'private_key_jwt, which this server does not support',
      ],
      [
        'a client_secret',
        (url) => ({ body: documentFor(url, { client_secret: 'shh' }) }),
        'it holds a client_secret',
      ],
      [
        'the implicit grant',
        (url) => ({ body: documentFor(url, { grant_types: ['implicit'] }) }),
        'grant_types may hold only',
      ],
      ['HTTP 404', () => ({ status: 404 }), 'answered HTTP 404 instead of 200'],
      ['HTTP 500', () => ({ status: 500, body: {} }), 'answered HTTP 500 instead of 200'],
      [
        'a redirect',
        () => ({ status: 302, headers: { location: '/elsewhere.json' } }),
        'redirects are not followed',
      ],
      [
        'text/html',
        (url) => ({ headers: { 'content-type': 'text/html' }, body: documentFor(url) }),
        'served as text/html, not application/json',
      ],
      ['invalid JSON', () => ({ body: '{"client_id": ' }), 'it is not valid JSON'],
      ['a JSON array', () => ({ body: '[]' }), 'it is not a JSON object'],
      [
        'over 5 KB',
        (url) => ({ body: documentFor(url, { client_uri: 'x'.repeat(6000) }) }),
        'larger than 5120 bytes',
      ],
    ];
    for (const [label, answer, reason] of refused) {
      it(`refuses ${label} on an error page that says why`, async () => {
        const clientId = docs.at('/refused.json');
        docs.answers.set('/refused.json', answer);
        docs.answers.set('/elsewhere.json', { body: documentFor(clientId) });
        const html = await expectErrorPage(await authorize(h, clientId));
        expect(html).toContain(`metadata document at ${clientId} cannot be used`);
        expect(html).toContain(reason.replace(/</g, '&lt;'));
        // Redirects are never followed; nothing else was asked for.
        expect(docs.requests).toEqual(['/refused.json']);
      });
    }

    it.each([
      ['http://127.0.0.1:1/client.json', 'a client_id URL must use https'],
      ['https://127.0.0.1:1', 'a client_id URL must have a path'],
      ['https://127.0.0.1:1/', 'a client_id URL must have a path'],
      ['https://127.0.0.1:1/a/../client.json', 'must not contain . or .. path segments'],
      ['https://127.0.0.1:1/a/%2E%2E/client.json', 'must not contain . or .. path segments'],
      ['https://user:pw@127.0.0.1:1/client.json', 'must not contain credentials'],
    ])('refuses the client_id %s before any request: %s', async (clientId, reason) => {
      const html = await expectErrorPage(await authorize(h, clientId));
      expect(html).toContain(reason);
    });

    it('a fetch that gets no answer ends at the deadline with a page that says so', async () => {
      const slow = await harness({ allowedHosts: ['127.0.0.1'], timeoutMs: 300 });
      try {
        docs.answers.set('/slow.json', { hang: true });
        const html = await expectErrorPage(await authorize(slow, docs.at('/slow.json')));
        expect(html).toContain('its server did not answer within 300 ms');
      } finally {
        await slow.close();
      }
    });

    it('a server whose certificate is not trusted is refused, with the TLS error named', async () => {
      const untrusted = await startHarness({
        upstreams: [{ name: 'corp', mode: 'oidc' }],
        metadataDocuments: { allowedHosts: ['127.0.0.1'] },
      });
      try {
        docs.answers.set('/tls.json', { body: documentFor(docs.at('/tls.json')) });
        const html = await expectErrorPage(await authorize(untrusted, docs.at('/tls.json')));
        expect(html).toContain('its server could not be reached (DEPTH_ZERO_SELF_SIGNED_CERT)');
      } finally {
        await untrusted.close();
      }
    });

    it('the token endpoint identifies the client by its document too; an unusable one is invalid_client', async () => {
      const response = await fetch(`${h.issuer}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'x',
          client_id: docs.at('/missing.json'),
          code_verifier: 'v'.repeat(43),
          redirect_uri: REDIRECT,
        }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as Record<string, unknown>)['error']).toBe('invalid_client');
      expect(docs.requests).toEqual(['/missing.json']);
    });
  });

  describe('addresses: checked before any request, and the connection goes to a checked one', () => {
    it('refuses a non-allow-listed loopback host before any request is sent (IP literal and name)', async () => {
      const h = await harness({});
      try {
        for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
          const clientId = docs.at('/client.json', host);
          docs.answers.set('/client.json', { body: documentFor(clientId) });
          const html = await expectErrorPage(await authorize(h, clientId));
          expect(html, host).toMatch(
            /resolves to \S+ is a loopback address, which this server does not fetch documents from/,
          );
        }
        expect(docs.requests).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('refuses a name when any one of its addresses is private, link-local or loopback', async () => {
      const answers: Record<string, string[]> = {
        'mixed.test': ['93.184.215.14', '127.0.0.1'],
        'private.test': ['10.0.0.7'],
        'metadata.test': ['169.254.169.254'],
        'mapped.test': ['::ffff:192.168.1.1'],
        'ula.test': ['fd00::1'],
      };
      const h = await harness({
        allowedHosts: ['127.0.0.1'],
        resolve: async (hostname) =>
          (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      });
      try {
        for (const [host, [first, ...rest]] of Object.entries(answers)) {
          const html = await expectErrorPage(await authorize(h, `https://${host}/client.json`));
          const refusedAddress = host === 'mixed.test' ? rest[0] : first;
          expect(html, host).toContain(`resolves to ${refusedAddress} is a`);
        }
        const html = await expectErrorPage(await authorize(h, 'https://nowhere.test/client.json'));
        expect(html).toContain('the host nowhere.test has no address');
      } finally {
        await h.close();
      }
    });

    it('bounds the name resolution by the fetch deadline, and says when it failed', async () => {
      const h = await harness({
        timeoutMs: 200,
        resolve: (hostname) =>
          hostname === 'hangs.test'
            ? new Promise(() => {})
            : Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
      });
      try {
        const hung = await expectErrorPage(await authorize(h, 'https://hangs.test/client.json'));
        expect(hung).toContain('the host hangs.test was not resolved within 200 ms');
        const failed = await expectErrorPage(await authorize(h, 'https://unknown.test/client.json'));
        expect(failed).toContain('the host unknown.test could not be resolved');
      } finally {
        await h.close();
      }
    });

    it('resolves once and connects to that address, so a rebinding answer is never used', async () => {
      const resolved: string[] = [];
      const h = await harness({
        allowedHosts: ['docs.test'],
        resolve: async (hostname) => {
          resolved.push(hostname);
          // A rebinding resolver: the first answer is the checked one, later ones point elsewhere.
          return [{ address: resolved.length === 1 ? '127.0.0.1' : '10.9.9.9', family: 4 }];
        },
      });
      try {
        const clientId = docs.at('/rebind.json', 'docs.test');
        docs.answers.set('/rebind.json', { body: documentFor(clientId) });
        const response = await authorize(h, clientId);
        expect(response.status).toBe(200);
        expect(await response.text()).toContain(`published at <strong>docs.test:${docs.port}</strong>`);
        expect(resolved).toEqual(['docs.test']);
        expect(docs.requests).toEqual(['/rebind.json']);
      } finally {
        await h.close();
      }
    });
  });

  describe('caching by Cache-Control, within the configured bounds', () => {
    let clock = Date.now();
    let h: Harness;
    beforeAll(async () => {
      h = await harness({ allowedHosts: ['127.0.0.1'], minTtlSeconds: 10, maxTtlSeconds: 300 }, () => clock);
    });
    afterAll(async () => {
      await h.close();
    });
    const fetchesAfter = async (path: string, advanceSeconds: number[]): Promise<number[]> => {
      const counts: number[] = [];
      for (const seconds of advanceSeconds) {
        clock += seconds * 1000;
        expect((await authorize(h, docs.at(path))).status).toBe(200);
        counts.push(docs.requests.filter((p) => p === path).length);
      }
      return counts;
    };

    it('keeps a document for its max-age (less Age), then fetches it again', async () => {
      docs.answers.set('/cached.json', (url) => ({
        body: documentFor(url),
        headers: { 'cache-control': 'public, max-age=150', age: '30' },
      }));
      expect(await fetchesAfter('/cached.json', [0, 60, 59, 2])).toEqual([1, 1, 1, 2]);
    });

    it('clamps a long max-age to the maximum and no-store to the minimum', async () => {
      docs.answers.set('/long.json', (url) => ({
        body: documentFor(url),
        headers: { 'cache-control': 'max-age=31536000' },
      }));
      expect(await fetchesAfter('/long.json', [0, 299, 2])).toEqual([1, 1, 2]);
      docs.answers.set('/no-store.json', (url) => ({
        body: documentFor(url),
        headers: { 'cache-control': 'no-store' },
      }));
      expect(await fetchesAfter('/no-store.json', [0, 9, 2])).toEqual([1, 1, 2]);
      docs.answers.set('/no-header.json', (url) => ({ body: documentFor(url) }));
      expect(await fetchesAfter('/no-header.json', [0, 9, 2])).toEqual([1, 1, 2]);
    });

    it('never caches an error or an invalid document', async () => {
      let calls = 0;
      docs.answers.set('/flaky.json', (url) => {
        calls += 1;
        if (calls === 1) return { status: 503, headers: { 'cache-control': 'max-age=300' } };
        if (calls === 2) return { body: documentFor('https://other.example/x.json') };
        return { body: documentFor(url), headers: { 'cache-control': 'max-age=300' } };
      });
      expect((await authorize(h, docs.at('/flaky.json'))).status).toBe(400);
      expect((await authorize(h, docs.at('/flaky.json'))).status).toBe(400);
      expect((await authorize(h, docs.at('/flaky.json'))).status).toBe(200);
      expect((await authorize(h, docs.at('/flaky.json'))).status).toBe(200);
      expect(calls).toBe(3);
    });
  });

  it('disabled: no metadata flag, and a URL client_id is an unknown client, fetched never', async () => {
    const h = await harness({ enabled: false, allowedHosts: ['127.0.0.1'] });
    try {
      const metadata = (await (
        await fetch(`${h.issuer}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      expect(metadata['client_id_metadata_document_supported']).toBeUndefined();
      docs.answers.set('/off.json', { body: documentFor(docs.at('/off.json')) });
      const html = await expectErrorPage(await authorize(h, docs.at('/off.json')));
      expect(html).toContain('The application is not registered.');
      expect(docs.requests).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
