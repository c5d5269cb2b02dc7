import { listen } from '@auth/test-kit';
import type { JSONWebKeySet } from 'jose';

/** A real loopback HTTP server publishing a mutable JWKS, counting fetches. */
export interface TestJwksServer {
  url: URL;
  setKeys(jwks: JSONWebKeySet): void;
  /** Answer every fetch with this status instead (0 = serve the keys). */
  setFailure(status: number): void;
  fetchCount(): number;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JSONWebKeySet): Promise<TestJwksServer> {
  let jwks = initial;
  let count = 0;
  let failure = 0;
  const server = await listen((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    count++;
    if (failure !== 0) {
      res.writeHead(failure, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  return {
    url: new URL(`${server.url}/.well-known/jwks.json`),
    setKeys(next) {
      jwks = next;
    },
    setFailure(status) {
      failure = status;
    },
    fetchCount: () => count,
    close: server.close,
  };
}
