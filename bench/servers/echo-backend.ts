/**
 * The backend behind both proxies of scenario 1: drains the request and answers a small JSON
 * echo (method, path, whether a bearer token arrived; never the token). Keeps nothing per
 * request, so long runs do not grow it.
 */
import { createServer } from 'node:http';
import { serve } from './serve.js';

const server = createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    const body = JSON.stringify({
      method: req.method,
      path: req.url,
      authorization: req.headers.authorization === undefined ? 'absent' : 'present',
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
await serve('echo-backend', server);
