import type { Request } from 'express';

/** What the gateway tells a backend about the client's connection. */
export interface ForwardedFields {
  'x-forwarded-for': string;
  'x-forwarded-proto': string;
  'x-forwarded-host'?: string;
}

/**
 * Request fields that describe the connection and that a client can forge: RFC 7239
 * `Forwarded`, every `X-Forwarded-*` and `X-Real-IP`. None is forwarded as received; the
 * gateway sends its own {@link forwardedFields} instead.
 */
export function isForwardingField(name: string): boolean {
  return name.startsWith('x-forwarded-') || name === 'forwarded' || name === 'x-real-ip';
}

type TrustFunction = (address: string, hop: number) => boolean;

/**
 * The gateway's own `X-Forwarded-For`, `-Proto` and `-Host` for `req`, by express's `trust proxy`
 * setting (proxy-addr; `server.trust_proxy`). From a peer that is not trusted: the peer's address,
 * the protocol of the connection and its `Host`. From a trusted proxy: its `X-Forwarded-For` with
 * the peer appended, and the protocol and host it reports (express's `req.protocol`, `req.host`).
 */
export function forwardedFields(req: Request): ForwardedFields {
  const peer = req.socket.remoteAddress ?? '';
  const trust = req.app.get('trust proxy fn') as TrustFunction;
  const received = req.headers['x-forwarded-for'];
  const fields: ForwardedFields = {
    'x-forwarded-for':
      received !== undefined && received !== '' && trust(peer, 0) ? `${received}, ${peer}` : peer,
    'x-forwarded-proto': req.protocol,
  };
  if (req.host !== undefined) fields['x-forwarded-host'] = req.host;
  return fields;
}
