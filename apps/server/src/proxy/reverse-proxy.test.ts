import { type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listen as listenOnLoopback, rawRequest as send } from '@auth/test-kit';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackendPools, createBackendPools } from './backend-pools.js';
import { reverseProxy } from './reverse-proxy.js';

const silent = pino({ level: 'silent' });
const defaults = { connectTimeout: 10, responseTimeout: 120, idleTimeout: 4, maxConnections: 128 };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The test kit's `listen`, closed after each test, with the connections the server accepted. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{
  url: string;
  server: Server;
  sockets: Set<Socket>;
}> {
  const running = await listenOnLoopback(handler);
  const sockets = new Set<Socket>();
  running.server.on('connection', (socket) => sockets.add(socket));
  cleanup.push(running.close);
  return { url: running.url, server: running.server, sockets };
}

/** The proxy in an express app, as the gateway mounts it, with express's `trust proxy` set to `trust`. */
async function gatewayTo(
  backend: string,
  config = defaults,
  trust: false | number | string[] = false,
): Promise<{ url: string; pools: BackendPools }> {
  const pools = createBackendPools(config);
  cleanup.push(() => pools.close());
  const app = express().set('trust proxy', trust);
  app.use(reverseProxy(backend, pools.poolFor(new URL(backend)), silent));
  const { url } = await listen(app);
  return { url, pools };
}

const echo = (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.stringify({
      url: req.url,
      method: req.method,
      headers: req.headers,
      bytes: Buffer.concat(chunks).length,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
};

describe('reverse proxy (undici pool)', () => {
  it('reuses kept-alive backend connections: 20 sequential requests open one connection', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(backend.url);
    for (let i = 0; i < 20; i += 1) expect((await send(gateway.url, { path: `/n${i}` })).status).toBe(200);
    expect(backend.sockets.size).toBe(1);
  });

  it('never answers the client with Connection: close because of the backend hop', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(backend.url);
    const response = await send(gateway.url, { headers: { connection: 'keep-alive' } });
    expect(response.status).toBe(200);
    expect(response.headers.connection).not.toBe('close');
  });

  it('drops hop-by-hop request fields and those named by Connection (RFC 9110 §7.6.1), sets Host and X-Forwarded-*', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(backend.url);
    const response = await send(gateway.url, {
      path: '/tools?x=1',
      headers: {
        connection: 'keep-alive, x-hop-secret',
        'x-hop-secret': 'must-not-pass',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
        'x-forwarded-for': '203.0.113.7',
        'x-end-to-end': 'kept',
      },
    });
    const seen = JSON.parse(response.body) as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe('/tools?x=1');
    expect(seen.headers['x-end-to-end']).toBe('kept');
    for (const name of ['x-hop-secret', 'te', 'proxy-authorization'])
      expect(seen.headers[name]).toBeUndefined();
    expect(seen.headers['keep-alive']).toBeUndefined();
    expect(seen.headers.host).toBe(new URL(backend.url).host);
    // No proxy is trusted: the client's X-Forwarded-For is replaced by the peer's address.
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(gateway.url).host);
  });

  const claims = {
    'x-forwarded-for': '203.0.113.7, 10.0.0.2',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'mcp.example.com',
    'x-forwarded-port': '443',
    'x-forwarded-prefix': '/other',
    forwarded: 'for=198.51.100.1;proto=https',
    'x-real-ip': '198.51.100.1',
  };

  it('issue 11 item 9: without a trusted proxy, Forwarded, X-Forwarded-* and X-Real-IP from the client never reach the backend', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(backend.url);
    const seen = JSON.parse((await send(gateway.url, { headers: claims })).body) as {
      headers: Record<string, string>;
    };
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(gateway.url).host);
    for (const name of ['forwarded', 'x-real-ip', 'x-forwarded-port', 'x-forwarded-prefix'])
      expect(seen.headers[name], name).toBeUndefined();
  });

  it.each([
    ['an address list naming the peer', ['127.0.0.1']],
    ['loopback', ['loopback']],
    ['a hop count', 1],
  ] as const)(
    'from a proxy trusted by %s: X-Forwarded-For is appended to, Proto and Host are believed',
    async (_, trust) => {
      const backend = await listen(echo);
      const gateway = await gatewayTo(backend.url, defaults, typeof trust === 'number' ? trust : [...trust]);
      const seen = JSON.parse((await send(gateway.url, { headers: claims })).body) as {
        headers: Record<string, string>;
      };
      expect(seen.headers['x-forwarded-for']).toBe('203.0.113.7, 10.0.0.2, 127.0.0.1');
      expect(seen.headers['x-forwarded-proto']).toBe('https');
      expect(seen.headers['x-forwarded-host']).toBe('mcp.example.com');
      for (const name of ['forwarded', 'x-real-ip', 'x-forwarded-port', 'x-forwarded-prefix'])
        expect(seen.headers[name], name).toBeUndefined();
    },
  );

  it("a trusted proxy that sends no X-Forwarded-* gets the connection's own values", async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(backend.url, defaults, ['loopback']);
    const seen = JSON.parse((await send(gateway.url)).body) as { headers: Record<string, string> };
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(gateway.url).host);
  });

  it('a peer outside the trusted list is not believed', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(backend.url, defaults, ['10.0.0.0/8']);
    const seen = JSON.parse((await send(gateway.url, { headers: claims })).body) as {
      headers: Record<string, string>;
    };
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
  });

  it('drops hop-by-hop response fields and those the backend names in Connection', async () => {
    const backend = await listen((_req, res) => {
      res.writeHead(200, {
        connection: 'x-internal',
        'x-internal': 'backend-only',
        'proxy-authenticate': 'Basic',
        'x-visible': 'yes',
        'content-type': 'text/plain',
      });
      res.end('ok');
    });
    const gateway = await gatewayTo(backend.url);
    const response = await send(gateway.url);
    expect(response.body).toBe('ok');
    expect(response.headers['x-visible']).toBe('yes');
    expect(response.headers['x-internal']).toBeUndefined();
    expect(response.headers['proxy-authenticate']).toBeUndefined();
  });

  it('joins the backend URL path and the request path', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(`${backend.url}/base/`);
    const seen = JSON.parse((await send(gateway.url, { path: '/mcp?session=1' })).body) as { url: string };
    expect(seen.url).toBe('/base/mcp?session=1');
  });

  it('never forwards an access_token query parameter (RFC 6750 §2.3); the rest of the query as sent', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(`${backend.url}/base`);
    const cases: Array<[string, string]> = [
      ['/mcp?access_token=eyJ.x.y', '/base/mcp'],
      ['/mcp?a=1&access_token=&b=%20+2', '/base/mcp?a=1&b=%20+2'],
      ['/mcp?access%5Ftoken=t&access_token=u&c=3&&d', '/base/mcp?c=3&&d'],
      ['/mcp?x=access_token', '/base/mcp?x=access_token'],
      ['/mcp?access_tokens=1', '/base/mcp?access_tokens=1'],
    ];
    for (const [path, forwarded] of cases) {
      const seen = JSON.parse((await send(gateway.url, { path })).body) as { url: string };
      expect(seen.url, path).toBe(forwarded);
    }
  });

  it('streams a 5 MB request body and a chunked one to the backend whole', async () => {
    const backend = await listen(echo);
    const gateway = await gatewayTo(backend.url);
    const big = Buffer.alloc(5 * 1024 * 1024, 7);
    const sized = JSON.parse((await send(gateway.url, { method: 'POST', body: big })).body) as {
      bytes: number;
    };
    expect(sized.bytes).toBe(big.length);
    const chunked = JSON.parse(
      (await send(gateway.url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, body: 'abc' }))
        .body,
    ) as { bytes: number; headers: Record<string, string> };
    expect(chunked.bytes).toBe(3);
  });

  it('bounds the connections to one backend: 6 concurrent slow requests over at most 2', async () => {
    let open = 0;
    let most = 0;
    const backend = await listen((_req, res) => {
      open += 1;
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        res.end('done');
      }, 50);
    });
    const gateway = await gatewayTo(backend.url, { ...defaults, maxConnections: 2 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(gateway.url)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(most).toBe(2);
    expect(backend.sockets.size).toBe(2);
  });

  it('answers 502 bad_gateway, without detail, when the backend refuses connections', async () => {
    const closed = await listen(echo);
    const target = closed.url;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const gateway = await gatewayTo(target);
    const response = await send(gateway.url);
    expect(response.status).toBe(502);
    expect(JSON.parse(response.body)).toEqual({
      error: 'bad_gateway',
      error_description: 'The backend did not answer.',
    });
  });

  it('answers 504 gateway_timeout when the backend sends no headers within response_timeout', async () => {
    const backend = await listen(() => {});
    const gateway = await gatewayTo(backend.url, { ...defaults, responseTimeout: 1 });
    const response = await send(gateway.url);
    expect(response.status).toBe(504);
    expect(JSON.parse(response.body).error).toBe('gateway_timeout');
  });

  it('aborts the backend request when the client goes away before the answer', async () => {
    let backendSawClose = false;
    const backend = await listen((req) => {
      req.socket.on('close', () => {
        backendSawClose = true;
      });
    });
    const gateway = await gatewayTo(backend.url);
    const req = request(`${gateway.url}/`, { agent: false });
    req.on('error', () => {});
    req.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    await expect.poll(() => backendSawClose, { timeout: 2000 }).toBe(true);
  });
});
