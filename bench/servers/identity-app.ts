/**
 * Scenario 2, our side: `@auth/identity`'s middleware in an express 5 app, keys from the JWKS
 * URL (fetched once, cached), memory storage for the upstream-token enrichment it also does.
 * Usage: identity-app.ts <issuer> <audience> <JWKS URL>
 */
import { createServer } from 'node:http';
import { createIdentityMiddleware } from '@auth/identity';
import { createMemoryStorage } from '@auth/storage';
import express from 'express';
import { serve } from './serve.js';

const [issuer, audience, jwksUri] = process.argv.slice(2);
if (!issuer || !audience || !jwksUri)
  throw new Error('usage: identity-app.ts <issuer> <audience> <JWKS URL>');

const app = express();
app.disable('x-powered-by');
// Both apps answer alike and as cheaply as express allows (no ETag hashing), so what differs is the validation.
app.set('etag', false);
app.get(
  '/resource',
  createIdentityMiddleware({
    issuer,
    audience,
    jwks: new URL(jwksUri),
    storage: createMemoryStorage({ warnOutsideTests: false }),
    resourceMetadataUrl: `${audience}/.well-known/oauth-protected-resource`,
  }),
  (req, res) => {
    res.json({ sub: req.identity?.subject });
  },
);
await serve('identity-app', createServer(app));
