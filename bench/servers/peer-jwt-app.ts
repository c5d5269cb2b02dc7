/**
 * Scenario 2, the peer: `express-oauth2-jwt-bearer` in an express 5 app on the same tokens
 * and the same JWKS URL as the identity app, answering the same body.
 * Usage: peer-jwt-app.ts <issuer> <audience> <JWKS URL>
 */
import { createServer } from 'node:http';
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { serve } from './serve.js';

const [issuer, audience, jwksUri] = process.argv.slice(2);
if (!issuer || !audience || !jwksUri)
  throw new Error('usage: peer-jwt-app.ts <issuer> <audience> <JWKS URL>');

const app = express();
app.disable('x-powered-by');
// Both apps answer alike and as cheaply as express allows (no ETag hashing), so what differs is the validation.
app.set('etag', false);
app.get('/resource', auth({ issuer, audience, jwksUri, tokenSigningAlg: 'ES256' }), (req, res) => {
  res.json({ sub: req.auth?.payload.sub });
});
await serve('peer-jwt-app', createServer(app));
