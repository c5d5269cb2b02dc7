/**
 * The tuned bare proxy of scenario 1: express 5 + http-proxy-middleware, with a keep-alive
 * agent to the backend, mounted where the gateway mounts its route. No authentication.
 * Usage: bare-proxy.ts <backend URL> <mount path>
 */
import { Agent, createServer } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { serve } from './serve.js';

const [backend, mount] = process.argv.slice(2);
if (!backend || !mount) throw new Error('usage: bare-proxy.ts <backend URL> <mount path>');

const app = express();
app.disable('x-powered-by');
app.use(
  mount,
  createProxyMiddleware({ target: backend, changeOrigin: true, agent: new Agent({ keepAlive: true }) }),
);
await serve('bare-proxy', createServer(app));
