import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@auth/protocol';
import { createApp } from './internal/create-app.js';
import { FaultStore } from './internal/fault-store.js';
import { IdTokenSigner } from './internal/id-token-signer.js';
import type { IdpContext } from './internal/idp-context.js';
import { RequestLog } from './internal/request-log.js';
import { finalIssuer, resolveAddress, servedUrl } from './internal/resolve-address.js';
import { TokenStore } from './internal/token-store.js';
import { validateOptions } from './internal/validate-options.js';
import { MockIdpError } from './mock-idp-error.js';
import { type MockIdpFaults, parseMockIdpFaults } from './mock-idp-faults.js';
import type { MockIdpMode, MockIdpOptions } from './mock-idp-options.js';
import type { RecordedRequest } from './recorded-request.js';

/** A running mock IdP. */
export interface MockIdp {
  readonly mode: MockIdpMode;
  /** Base URL actually served (listening address + the issuer's path). */
  readonly url: string;
  /** The issuer, with a port 0 replaced by the real port. */
  readonly issuer: string;
  readonly port: number;
  readonly clientId: string;
  /** Every code and token of this instance starts with it (distinct per instance). */
  readonly tokenPrefix: string;
  /** Twin of `POST /_mock/faults`; validates like it (throws `MockIdpError` `invalid_faults`). */
  setFaults(faults: MockIdpFaults): void;
  /** Twin of `DELETE /_mock/faults`. */
  clearFaults(): void;
  /** Twin of `GET /_mock/requests`: the request log, secrets removed. */
  requests(): RecordedRequest[];
  /** Twin of `DELETE /_mock/requests`. */
  clearRequests(): void;
  /** Twin of `POST /_mock/revoke`: every issued code and token becomes invalid. */
  revokeAll(): void;
  /** Stops listening and drops open connections (pending delays end). */
  close(): Promise<void>;
}

/**
 * Starts a mock IdP: an OpenID Provider (`oidc`) or a GitHub-shaped OAuth 2.0 server
 * (`oauth2`) with fault injection, on its own port. Rejects with `MockIdpOptionsError` for bad
 * options, `MockIdpError` (`listen_failed`) when it cannot listen.
 */
export async function startMockIdp(options: MockIdpOptions): Promise<MockIdp> {
  validateOptions(options);
  const address = resolveAddress(options);
  const signer = await IdTokenSigner.create();
  const now = options.now ?? Date.now;
  const tag = randomBytes(4).toString('hex');
  const tokens = new TokenStore(`midp${tag}_`, now);
  const closing = new AbortController();

  const server = createServer({ requestTimeout: 120_000, headersTimeout: 30_000 });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(
        new MockIdpError(
          'listen_failed',
          `cannot listen on ${address.host}:${address.port}: ${err.message}`,
          { cause: err },
        ),
      );
    };
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const realPort = (server.address() as AddressInfo).port;
  const issuer = finalIssuer(address, realPort);
  const pathname = new URL(issuer).pathname;

  const ctx: IdpContext = {
    mode: options.mode,
    issuer,
    basePath: pathname === '/' ? '' : pathname,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: options.redirectUris === undefined ? undefined : [...options.redirectUris],
    autoLogin: options.autoLogin,
    title:
      options.title ?? (options.mode === 'oidc' ? `Mock OIDC provider ${issuer}` : `Mock GitHub ${issuer}`),
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    refreshTokens: options.refreshTokens ?? true,
    now,
    logger: options.logger ?? silentLogger,
    tokens,
    faults: new FaultStore(),
    requestLog: new RequestLog(),
    signer,
    sessionCookieName: `mock_idp_${tag}`,
    closing: closing.signal,
  };
  server.on('request', createApp(ctx));
  const url = servedUrl(address.host, realPort, issuer);
  ctx.logger.info({ mode: ctx.mode, url, issuer }, 'mock-idp: listening');

  let closed: Promise<void> | undefined;
  return {
    mode: ctx.mode,
    url,
    issuer,
    port: realPort,
    clientId: ctx.clientId,
    tokenPrefix: tokens.prefix,
    setFaults: (faults) => ctx.faults.set(parseMockIdpFaults(faults)),
    clearFaults: () => ctx.faults.clear(),
    requests: () => ctx.requestLog.list(),
    clearRequests: () => ctx.requestLog.clear(),
    revokeAll: () => tokens.revokeAll(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
        ctx.logger.info({ url }, 'mock-idp: closed');
      });
      return closed;
    },
  };
}
