/**
 * Scenario 2, the ceiling: the same express 5 app as the two validators, answering the same
 * body with no validation at all. What it serves is the most any validator can reach here, so
 * `ceiling / peer` bounds the ratio a validator can show against the peer on this machine.
 * Usage: no-validation-app.ts
 */
import { createServer } from 'node:http';
import express from 'express';
import { serve } from './serve.js';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/resource', (_req, res) => {
  res.json({ sub: 'user-0' });
});
await serve('no-validation-app', createServer(app));
