import type { Request } from 'express';

/**
 * The client's address as the gateway believes it, for logs and rate limits: the peer's address,
 * or, when the peer is a proxy that `server.trust_proxy` trusts, the address those proxies report
 * in `X-Forwarded-For` (express's `req.ip`, which follows its `trust proxy` setting through
 * proxy-addr). Empty when the connection is already gone.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket?.remoteAddress ?? '';
}
