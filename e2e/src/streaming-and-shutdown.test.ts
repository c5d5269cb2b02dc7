import { request } from 'node:http';
import { connect } from 'node:net';
import { type GatewayLogin, listen, loginThroughGateway } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

/** A plain HTTP GET on its own connection (no pool), resolving with status and body. */
function get(url: string, token: string): Promise<{ status: number; body: string; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, endedAt: Date.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}

/** Opens a fresh TCP connection; resolves `'connected'` or the error code. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

/**
 * An endless event stream (one event every 200 ms) that records when its client went away,
 * to see whether the gateway ends the backend request when its own client disconnects.
 */
async function startEndlessStream(): Promise<{ url: string; closedAt(): number; close(): Promise<void> }> {
  let closedAt = 0;
  const server = await listen((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let n = 0;
    const timer = setInterval(() => {
      n += 1;
      res.write(`id: ${n}\ndata: ${n}\n\n`);
    }, 200);
    res.on('close', () => {
      clearInterval(timer);
      closedAt = Date.now();
    });
  });
  return { url: server.url, closedAt: () => closedAt, close: server.close };
}

/** Issue 6 "It must show" 6 (streaming) and 7 (graceful shutdown), on the spawned gateway. */
describe('streaming and graceful shutdown of the gateway process', () => {
  let stack: Stack;
  let login: GatewayLogin;
  let endless: Awaited<ReturnType<typeof startEndlessStream>>;
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    endless = await startEndlessStream();
    stack = await startStack({
      extraRoutes: [{ path: '/mcp/stream', backend: endless.url, upstream: 'corp' }],
    });
    login = await loginThroughGateway(stack.issuer, { username: 'carol' });
    secrets.addLogin(login);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await endless?.close();
    await stopAll();
  });

  it('server-sent events one second apart reach the client one by one, not all at the end', async () => {
    const started = Date.now();
    const response = await fetch(`${stack.issuer}/mcp/corp/sse?count=3&interval_ms=1000`, {
      headers: { authorization: `Bearer ${login.tokens.access_token}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(20_000),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const arrivals = new Map<number, number>();
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      for (const match of text.matchAll(/^id: (\d+)$/gm)) {
        const id = Number(match[1]);
        if (!arrivals.has(id)) arrivals.set(id, Date.now());
      }
    }
    expect([...arrivals.keys()]).toEqual([1, 2, 3]);
    const events = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { n: number });
    expect(events.map((e) => e.n)).toEqual([1, 2, 3]);
    // Event 1 arrived about 2 s before event 3: the proxy did not buffer the stream.
    expect(arrivals.get(3)! - arrivals.get(1)!).toBeGreaterThanOrEqual(1_500);
    expect(arrivals.get(2)! - arrivals.get(1)!).toBeGreaterThanOrEqual(600);
    expect(arrivals.get(1)! - started).toBeLessThan(arrivals.get(3)! - started - 1_500);
    // The backend saw the corp token, not the gateway's JWT.
    const seen = stack.corpBackend.received.find((r) => r.url.startsWith('/sse'));
    expect(seen?.headers['authorization']).toMatch(/^Bearer /);
    expect(seen?.headers['authorization']).not.toContain(login.tokens.access_token);
    secrets.add('corp upstream access token', seen?.headers['authorization']);
  });

  it('request bodies pass through unparsed: a form body and a 3 MB JSON body arrive byte for byte', async () => {
    const bearer = { authorization: `Bearer ${login.tokens.access_token}` };
    const form = await fetch(`${stack.issuer}/mcp/corp/form`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=x&code=not-for-the-gateway',
    });
    expect(form.status).toBe(200);
    expect(((await form.json()) as { body: string }).body).toBe('grant_type=x&code=not-for-the-gateway');

    const big = JSON.stringify({ data: 'x'.repeat(3_000_000) });
    const json = await fetch(`${stack.issuer}/mcp/corp/big`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: big,
      signal: AbortSignal.timeout(30_000),
    });
    expect(json.status).toBe(200);
    const echoed = (await json.json()) as { body: string; headers: Record<string, string> };
    expect(echoed.body.length).toBe(big.length);
    expect(echoed.body === big).toBe(true);
  });

  it('a client that goes away mid-stream ends the backend stream too (no upstream connection left behind)', async () => {
    const abort = new AbortController();
    const response = await fetch(`${stack.issuer}/mcp/stream`, {
      headers: { authorization: `Bearer ${login.tokens.access_token}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('data: ');
    expect(endless.closedAt()).toBe(0);
    const abortedAt = Date.now();
    abort.abort();
    const deadline = abortedAt + 5_000;
    while (endless.closedAt() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(endless.closedAt(), 'the backend stream was closed').toBeGreaterThan(0);
    expect(endless.closedAt() - abortedAt).toBeLessThan(5_000);
  });

  it('SIGTERM with a slow request in flight: it completes with 200, new connections are refused, exit code 0', async () => {
    const [gateway] = stack.gateways;
    const port = Number(new URL(stack.issuer).port);
    const before = stack.corpBackend.received.length;
    const slow = get(`${stack.issuer}/mcp/corp/slow?ms=2000`, login.tokens.access_token);
    // Wait until the request has really reached the backend through the gateway.
    const deadline = Date.now() + 10_000;
    while (!stack.corpBackend.received.slice(before).some((r) => r.url.startsWith('/slow'))) {
      if (Date.now() > deadline) throw new Error('the slow request never reached the backend');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    let slowDone = false;
    void slow.then(() => {
      slowDone = true;
    });

    gateway!.child.kill('SIGTERM');
    const signalledAt = Date.now();
    let refusal = 'connected';
    let inFlightWhenRefused = false;
    while (refusal === 'connected' && !slowDone && Date.now() - signalledAt < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      inFlightWhenRefused = !slowDone;
      refusal = await tryConnect(port);
    }
    expect(refusal).toBe('ECONNREFUSED');
    // Refused while the slow request was still running: the listener closed first.
    expect(inFlightWhenRefused).toBe(true);

    const answer = await slow;
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { url: string }).url).toBe('/slow?ms=2000');
    expect(await gateway!.exited).toBe(0);
    expect(gateway!.output()).toMatch(/"outcome":"drained"/);
  });

  it('no token, code or secret of this run appears in the gateway logs', () => {
    expect(secrets.labels()).toContain('corp upstream access token');
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
