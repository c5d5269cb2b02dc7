import { type Agent, validateHeaderName, validateHeaderValue } from 'node:http';
import { connect } from 'node:net';
import { FUZZ_PARAMETER_NAMES, type RawResponse, rawRequest } from '@auth/test-kit';
import fc from 'fast-check';

/** Real values the generated requests mix in, so they get past the first checks of each endpoint. */
export interface FuzzMaterial {
  issuer: string;
  /** A registered public client and its redirect URI. */
  clientId: string;
  redirectUri: string;
  /** A registered confidential client. */
  confidentialId: string;
  confidentialSecret: string;
  /** A valid gateway access token and refresh token (of a finished two-upstream login). */
  accessToken: string;
  refreshToken: string;
}

/** One generated request: sent through `node:http` (target unnormalized) or as raw bytes. */
export type FuzzRequest =
  | {
      kind: 'http';
      method: string;
      path: string;
      headers: Record<string, string>;
      body: string | undefined;
    }
  | { kind: 'raw'; bytes: string };

/** The gateway's endpoints: the authorization server's, the reference server's and the proxy routes. */
const ENDPOINTS: Array<[path: string, method: string]> = [
  ['/.well-known/oauth-authorization-server', 'GET'],
  ['/.well-known/openid-configuration', 'GET'],
  ['/.well-known/jwks.json', 'GET'],
  ['/.well-known/oauth-protected-resource/mcp/corp', 'GET'],
  ['/.well-known/oauth-protected-resource/mcp/github', 'GET'],
  ['/.well-known/oauth-protected-resource', 'GET'],
  ['/oauth/authorize', 'GET'],
  ['/oauth/consent', 'POST'],
  ['/oauth/callback/corp', 'GET'],
  ['/oauth/callback/github', 'GET'],
  ['/oauth/callback/', 'GET'],
  ['/oauth/token', 'POST'],
  ['/oauth/register', 'POST'],
  ['/oauth/revoke', 'POST'],
  ['/oauth/introspect', 'POST'],
  ['/oauth/userinfo', 'GET'],
  ['/oauth/userinfo', 'POST'],
  ['/healthz', 'GET'],
  ['/readyz', 'GET'],
  ['/mcp/corp', 'POST'],
  ['/mcp/corp/tools/list', 'GET'],
  ['/mcp/github/user', 'GET'],
  ['/mcp/corpx', 'GET'],
  ['/', 'GET'],
  ['/oauth', 'GET'],
];

const PATH_SUFFIXES = [
  '',
  '/',
  '/x',
  '/../oauth/token',
  '/..',
  '/%2e%2e/admin',
  '/%2E%2e%2Fadmin',
  '/./',
  '//',
  ';jsessionid=1',
  '%00',
  '%zz',
  '%',
  '%C0%AE%C0%AE/',
  '.json',
  '\\..\\admin',
  '%5C..%5Cadmin',
  '/%E2%80%AE',
  '/%F0%9F%92%A9',
  '#frag',
  `/${'a'.repeat(4000)}`,
];
const PATH_PREFIXES = ['/', '//', '/./', '/x/..', '/%2e/'];

/** Builds the request arbitrary around real material. */
export function fuzzRequests(m: FuzzMaterial): fc.Arbitrary<FuzzRequest> {
  const enc = encodeURIComponent;
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  const rawValue = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        enc(m.clientId),
        enc(m.confidentialId),
        enc(m.redirectUri),
        enc(`${m.redirectUri}/x`),
        enc('https://evil.example/cb'),
        enc(m.issuer),
        enc(`${m.issuer}/mcp/corp`),
        enc(m.accessToken),
        enc(m.refreshToken),
        enc(m.confidentialSecret),
        'code',
        'token',
        'id_token',
        'S256',
        'plain',
        'openid',
        'openid%20offline_access',
        'openid+profile+email',
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'allow',
        'deny',
        'none',
        'login',
        'consent',
        'access_token',
        '-1',
        '0',
        '1e400',
        'a'.repeat(43),
        '%',
        '%zz',
        '%C3%28',
        '%00',
        '%0d%0aSet-Cookie:%20x=1',
        '%FF%FE',
        '%E2%82',
        '%%%',
        '%2e%2e',
        '[]',
        '{}',
        'null',
        'true',
      ),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(enc) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(enc) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 6000 }).map((n) => 'A'.repeat(n)) },
  );
  const pairs = fc.array(fc.tuple(fc.constantFrom(...FUZZ_PARAMETER_NAMES), rawValue), { maxLength: 12 });
  const rawQuery = pairs.map((list) => list.map(([k, v]) => `${enc(k)}=${v}`).join('&'));
  const authorizeQuery = fc
    .record({
      state: fc.boolean(),
      method: fc.constantFrom('S256', 'S256', 'plain', ''),
      extra: rawQuery,
    })
    .map(({ state, method, extra }) =>
      [
        `client_id=${enc(m.clientId)}`,
        `redirect_uri=${enc(m.redirectUri)}`,
        'response_type=code',
        `code_challenge=${'x'.repeat(43)}`,
        method === '' ? '' : `code_challenge_method=${method}`,
        state ? 'state=s' : '',
        extra,
      ]
        .filter((part) => part !== '')
        .join('&'),
    );
  const query = fc.oneof(fc.constant(''), rawQuery, authorizeQuery);

  const path = fc
    .record({
      endpoint: fc.constantFrom(...ENDPOINTS),
      // Mostly the endpoint as it is, so that most requests reach its handler; odd forms otherwise.
      prefix: fc.oneof(
        { weight: 6, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom(...PATH_PREFIXES) },
      ),
      suffix: fc.oneof(
        { weight: 8, arbitrary: fc.constant('') },
        { weight: 3, arbitrary: fc.constantFrom(...PATH_SUFFIXES) },
      ),
      upper: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      query,
      repeatQuery: fc.boolean(),
    })
    .map(({ endpoint, prefix, suffix, upper, query: q, repeatQuery }) => {
      const base = `${prefix === '' ? '' : prefix.replace(/\/$/, '')}${endpoint[0]}${suffix}`;
      const target = upper ? base.toUpperCase() : base;
      const search = q === '' ? '' : `?${repeatQuery ? `${q}&${q}` : q}`;
      return { target: `${target}${search}`, natural: endpoint[1] };
    });

  const method = (natural: string) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(natural) },
      { weight: 2, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
      { weight: 1, arbitrary: fc.constantFrom('PROPFIND', 'TRACE', 'MKCOL', 'SEARCH', 'QUERY', 'PURGE') },
    );

  const headerValue = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary-ascii', maxLength: 60 }),
    fc.integer({ min: 1000, max: 9000 }).map((n) => 'v'.repeat(n)),
  );
  const authorization = fc.constantFrom(
    `Bearer ${m.accessToken}`,
    `Bearer ${m.accessToken}`,
    `bearer ${m.accessToken}`,
    `Bearer ${m.accessToken}x`,
    `Bearer ${m.accessToken.split('.').slice(0, 2).join('.')}.`,
    `Bearer ${m.accessToken}, Bearer ${m.accessToken}`,
    `Bearer  ${m.accessToken}`,
    `DPoP ${m.accessToken}`,
    `Bearer ${m.refreshToken}`,
    'Bearer',
    'Bearer ',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.',
    basic(m.confidentialId, m.confidentialSecret),
    basic(m.confidentialId, 'wrong'),
    basic(m.clientId, ''),
    basic('%zz', '%'),
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    'Basic',
    'Basic !!!',
    'Digest username="x"',
    'Negotiate YIIB',
  );
  const contentType = fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'application/x-www-form-urlencoded; charset=klingon',
    'APPLICATION/X-WWW-FORM-URLENCODED',
    'application/json',
    'application/json; charset=utf-16',
    'application/jwt',
    'text/plain',
    'text/event-stream',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded, application/json',
    ';',
    '',
  );
  const headerPairs: Array<[string, fc.Arbitrary<string>]> = [
    [
      'authorization',
      fc.oneof({ weight: 3, arbitrary: authorization }, { weight: 1, arbitrary: headerValue }),
    ],
    ['content-type', fc.oneof({ weight: 4, arbitrary: contentType }, { weight: 1, arbitrary: headerValue })],
    [
      'accept',
      fc.constantFrom(
        'application/json',
        'text/html',
        'text/event-stream',
        '*/*',
        'application/json, text/event-stream',
        '',
      ),
    ],
    ['origin', fc.constantFrom(m.issuer, 'https://evil.example', 'null', 'http://127.0.0.1', '')],
    [
      'host',
      fc.constantFrom(
        new URL(m.issuer).host,
        'evil.example',
        '127.0.0.1',
        'localhost',
        '[::1]:1',
        `${new URL(m.issuer).host}.evil.example`,
      ),
    ],
    ['cookie', fc.oneof(fc.constantFrom('a=b', 'sid=%zz', '=; ;;', `x=${'c'.repeat(3000)}`), headerValue)],
    ['x-forwarded-for', fc.constantFrom('1.2.3.4', '::1', 'garbage, , ,', '127.0.0.1, 10.0.0.1')],
    ['x-forwarded-proto', fc.constantFrom('https', 'gopher', '')],
    ['x-forwarded-host', fc.constantFrom('evil.example', '')],
    ['forwarded', fc.constantFrom('for=1.2.3.4;proto=https', 'for="[::1]";host=evil', ';;;')],
    ['x-real-ip', fc.constantFrom('1.2.3.4', 'not-an-ip')],
    ['mcp-session-id', fc.oneof(fc.constantFrom('s-1', ''), headerValue)],
    ['mcp-protocol-version', fc.constantFrom('2025-06-18', '2025-03-26', '1999-01-01', 'x')],
    ['content-encoding', fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-unknown')],
    ['accept-encoding', fc.constantFrom('gzip', 'br', '*', 'identity;q=0')],
    ['range', fc.constantFrom('bytes=0-1', 'bytes=-1', 'bytes=x')],
    ['if-none-match', fc.constantFrom('*', 'W/"x"')],
    ['x-upstream-token', fc.constantFrom('forged-upstream-token', '')],
    ['user-agent', headerValue],
    ['x-fuzz', headerValue],
  ];
  const headers = fc
    .tuple(
      ...headerPairs.map(([name, arb]) =>
        fc.option(arb, { freq: 3, nil: undefined }).map((v) => [name, v] as const),
      ),
    )
    .map((entries) => {
      const out: Record<string, string> = {};
      for (const [name, v] of entries) if (v !== undefined && validHeader(name, v)) out[name] = v;
      return out;
    });

  const registration = fc
    .record(
      {
        redirect_uris: fc.oneof(
          fc.array(
            fc.constantFrom(
              m.redirectUri,
              'https://app.example/cb',
              'http://evil.example/cb',
              'javascript:alert(1)',
              'http://127.0.0.1/cb#frag',
              'custom.scheme:/cb',
              'not a uri',
              '',
            ),
            { maxLength: 4 },
          ),
          fc.string(),
          fc.integer(),
        ),
        client_name: fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('\u202eevil', 'a\u0000b', 'x'.repeat(5000)),
        ),
        token_endpoint_auth_method: fc.constantFrom(
          'none',
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'x',
        ),
        grant_types: fc.array(
          fc.constantFrom('authorization_code', 'refresh_token', 'implicit', 'password', 'x'),
          { maxLength: 3 },
        ),
        response_types: fc.array(fc.constantFrom('code', 'token', 'x'), { maxLength: 2 }),
        scope: fc.constantFrom('openid', 'openid offline_access', 'admin', ''),
        logo_uri: fc.constantFrom(
          'https://a.example/l.png',
          'http://a.example/l.png',
          'javascript:x',
          'data:,x',
        ),
        client_uri: fc.constantFrom('https://a.example', 'file:///etc/passwd'),
        jwks_uri: fc.constantFrom('https://a.example/jwks', 'http://169.254.169.254/latest/meta-data'),
        jwks: fc.jsonValue({ maxDepth: 2 }),
        software_statement: fc.constantFrom('a.b.c', 'x'),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value));

  const body = fc.oneof(
    { weight: 4, arbitrary: pairs.map((list) => list.map(([k, v]) => `${enc(k)}=${v}`).join('&')) },
    { weight: 2, arbitrary: registration },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"redirect_uris": [',
        '\u0000\u0001',
        '{"__proto__":{"polluted":true},"redirect_uris":["http://127.0.0.1/cb"]}',
        `{"a":${'['.repeat(5000)}`,
        'a=b&a=c&a=d',
        `grant_type=refresh_token&refresh_token=${enc(m.refreshToken)}&client_id=${enc(m.clientId)}`,
        `grant_type=authorization_code&code=x&redirect_uri=${enc(m.redirectUri)}&client_id=${enc(m.clientId)}&code_verifier=${'v'.repeat(43)}`,
        `token=${enc(m.accessToken)}&token_type_hint=access_token`,
        `token=${enc(m.refreshToken)}&token_type_hint=refresh_token`,
        '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 120_000 }).map((n) => `token=${'x'.repeat(n)}`) },
  );

  const httpRequest = path.chain(({ target, natural }) =>
    fc.record({
      kind: fc.constant('http' as const),
      method: method(natural),
      path: fc.constant(target),
      headers,
      body: fc.option(body, { freq: natural === 'POST' ? 8 : 2, nil: undefined }),
    }),
  );

  // What node:http would refuse to send: bytes outside the request-target grammar, smuggling
  // framings, obsolete line folding, bare LF, a huge header block.
  const rawBytes = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'G\u0000T', 'GET GET'),
      target: fc.oneof(
        fc.constantFrom(
          '/oauth/authorize?client_id=a b',
          '/oauth/token\u0000',
          '/mcp/corp/\u00ff\u00fe',
          '/mcp/corp/../../etc/passwd',
          'http://evil.example/oauth/token',
          '*',
          '',
          '/oauth/callback/corp?code=\u0007',
        ),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => `/oauth/${s}`),
      ),
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x'),
      framing: fc.constantFrom(
        '',
        'Content-Length: 5\r\n',
        'Content-Length: 3\r\nContent-Length: 4\r\n',
        'Transfer-Encoding: chunked\r\nContent-Length: 3\r\n',
        'Transfer-Encoding: chunked\r\n',
        'Transfer-Encoding: chunked, identity\r\n',
        'Transfer-Encoding: xchunked\r\n',
        'Content-Length: -1\r\n',
        'Content-Length: 0x10\r\n',
        'X-Folded: a\r\n b\r\n',
        'Bad Header: x\r\n',
        `X-Huge: ${'h'.repeat(20_000)}\r\n`,
      ),
      body: fc.constantFrom(
        '',
        'a=b&c',
        '0\r\n\r\n',
        'zz\r\nxx\r\n0\r\n\r\n',
        '5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n',
      ),
      lf: fc.boolean(),
    })
    .map(({ method: verb, target, version, framing, body: payload, lf }) => {
      const eol = lf ? '\n' : '\r\n';
      const head = `${verb} ${target} ${version}${eol}Host: ${new URL(m.issuer).host}${eol}${framing}Connection: close${eol}${eol}`;
      return { kind: 'raw' as const, bytes: head + payload };
    });

  return fc.oneof({ weight: 24, arbitrary: httpRequest }, { weight: 1, arbitrary: rawBytes });
}

function validHeader(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

/** What came back, or how the exchange failed. */
export type FuzzOutcome =
  | { status: number; headers: RawResponse['headers']; body: string }
  | { failure: string };

/** Sends a request and waits for the whole answer (at most `timeoutMs`). */
export async function sendFuzzRequest(
  url: string,
  request: FuzzRequest,
  agent: Agent,
  timeoutMs = 20_000,
): Promise<FuzzOutcome> {
  if (request.kind === 'raw') return sendRaw(url, request.bytes, Math.min(timeoutMs, 3_000));
  const first = await sendHttp(url, request, agent, timeoutMs);
  // A kept-alive connection the server closed as the agent picked it up (the keep-alive race)
  // is not an answer: sent again on a fresh connection, it must get one.
  if ('failure' in first && /socket hang up|ECONNRESET/.test(first.failure))
    return sendHttp(url, request, false, timeoutMs);
  return first;
}

async function sendHttp(
  url: string,
  request: Extract<FuzzRequest, { kind: 'http' }>,
  agent: Agent | false,
  timeoutMs: number,
): Promise<FuzzOutcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return await Promise.race([
      rawRequest(url, {
        method: request.method,
        path: request.path,
        // node:http frames a GET's body with no length at all (its bytes would read as a second,
        // garbled request): every body is sent with its Content-Length.
        headers:
          request.body === undefined
            ? request.headers
            : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        ...(request.body === undefined ? {} : { body: request.body }),
        agent,
      }),
      timeout,
    ]);
  } catch (error) {
    return { failure: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Raw bytes over a fresh connection: the answer's status line, or status 0 when the server
 * closed without one (it may drop a connection it cannot parse; that is not a crash).
 */
function sendRaw(url: string, bytes: string, timeoutMs: number): Promise<FuzzOutcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received === '' ? { status: 0, headers: {}, body: '' } : parse(received));
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(received));
    });
    socket.on('connect', () => socket.end(Buffer.from(bytes, 'latin1')));
  });
}

function parse(received: string): FuzzOutcome {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
  const split = received.indexOf('\r\n\r\n');
  return {
    status: match ? Number(match[1]) : 0,
    headers: {},
    body: split === -1 ? '' : received.slice(split + 4),
  };
}

/** Node's default limit of a request's head (request line and header fields). */
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Whether the request's head is over Node's limit: the server answers 431 and closes at
 * once, so the client, still writing, may see a reset instead of the answer.
 */
export function headOverLimit(request: FuzzRequest): boolean {
  if (request.kind === 'raw') return false;
  const fields = Object.entries(request.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  return request.path.length + fields + 64 > MAX_HEAD_BYTES;
}

/** Short text of a request for a failure message (long values cut). */
export function describeRequest(request: FuzzRequest): string {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text);
  if (request.kind === 'raw') return `raw ${JSON.stringify(cut(request.bytes))}`;
  return `${request.method} ${cut(request.path)} ${JSON.stringify(
    Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, cut(v)])),
  )} body=${request.body === undefined ? '-' : JSON.stringify(cut(request.body))}`;
}
