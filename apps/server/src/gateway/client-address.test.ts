import { listen, rawRequest } from '@auth/test-kit';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

/** The address clientAddress() gives for one request with `xff`, under express's `trust proxy` = `trust`. */
async function addressSeen(trust: false | number | string[], xff?: string): Promise<string> {
  const app = express().set('trust proxy', trust);
  app.get('/', (req, res) => {
    res.send(clientAddress(req));
  });
  const server = await listen(app);
  try {
    return (await rawRequest(server.url, { headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }))
      .body;
  } finally {
    await server.close();
  }
}

describe('clientAddress', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', async () => {
    expect(await addressSeen(false, '203.0.113.9')).toBe('127.0.0.1');
  });

  it('is the address the trusted proxies report', async () => {
    expect(await addressSeen(['loopback'], '203.0.113.9')).toBe('203.0.113.9');
    // Two trusted hops: the peer and the next one; the address before them is the client.
    expect(await addressSeen(2, '198.51.100.1, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
    expect(await addressSeen(['loopback', '10.0.0.0/8'], '198.51.100.1, 203.0.113.9, 10.0.0.2')).toBe(
      '203.0.113.9',
    );
  });

  it('is the peer when a trusted proxy sends no X-Forwarded-For', async () => {
    expect(await addressSeen(['loopback'])).toBe('127.0.0.1');
  });
});
