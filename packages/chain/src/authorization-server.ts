import type { GatewayConfig, UpstreamConfig } from '@auth/config';
import { issuerProblem, type Logger, OptionsError, silentLogger } from '@auth/protocol';
import type { Storage } from '@auth/storage';
import { createUpstreamClient, DEFAULT_UPSTREAM_TIMEOUT_MS, type UpstreamClient } from '@auth/upstream';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { JWK } from 'jose';
import { ChainOptionsError } from './chain-options-error.js';
import type { ServerContext } from './internal/context.js';
import { errorHandler, toOAuthError } from './internal/error-handler.js';
import { sendErrorPage } from './internal/html.js';
import { logRoute } from './internal/log-route.js';
import { isLoopbackUrl } from './internal/redirect-uri.js';
import { authorizeHandler } from './internal/routes/authorize.js';
import { callbackHandler } from './internal/routes/callback.js';
import { consentHandler } from './internal/routes/consent.js';
import { serverMetadata } from './internal/routes/discovery.js';
import { introspectHandler } from './internal/routes/introspect.js';
import { registerHandler } from './internal/routes/register.js';
import { revokeHandler } from './internal/routes/revoke.js';
import { tokenHandler } from './internal/routes/token.js';
import { userinfoHandler } from './internal/routes/userinfo.js';
import { loadSigningKeys } from './internal/signing-keys.js';
import { saveStaticClients } from './internal/static-clients.js';
import { createTokenIssuer } from './internal/token-issuer.js';
import { OAuthError } from './oauth-error.js';

/** Options of {@link createAuthorizationServer}. */
export interface AuthorizationServerOptions {
  config: GatewayConfig;
  storage: Storage;
  /** pino-compatible; default silent. Token values are never logged. */
  logger?: Logger;
  /** Clock (epoch ms); default `Date.now`. */
  now?: () => number;
  /** `fetch` used by the default upstream clients. */
  fetch?: typeof fetch;
  /** One client per configured upstream, same names; default `createUpstreamClient` per `config.upstreams`. */
  upstreamClients?: UpstreamClient[];
  /** Bound on every upstream call; default 10 s. */
  upstreamTimeoutMs?: number;
  /**
   * HMAC key (at least 32 bytes) of the consent cookies. Default: derived (HKDF) from the signing key, so
   * replicas sharing the key agree; ephemeral when the signing key is.
   */
  cookieSecret?: Uint8Array;
}

/** A running authorization server. */
export interface AuthorizationServer {
  /** Mount at the issuer's path (the root for `http://127.0.0.1:8080`). */
  readonly router: Router;
  readonly issuer: string;
  /** The public JWKS: the signing key and the verify-only ones. */
  jwks(): { keys: JWK[] };
  /** The RFC 8414 metadata document. */
  metadata(): Record<string, unknown>;
  /**
   * The client of each upstream, by name (the ones passed in, or the defaults built from the
   * config), so the gateway's identity middleware refreshes through the same clients.
   */
  readonly upstreamClients: Readonly<Record<string, UpstreamClient>>;
  close(): Promise<void>;
}

const FORM_LIMIT = '32kb';
const JSON_LIMIT = '64kb';
const PENDING_LIFETIME_SECONDS = 600;
const MIN_COOKIE_SECRET_BYTES = 32;

/** The issuer identifier rule is `@auth/config`'s too, so `auth-server check` and `serve` agree. */
function checkIssuer(issuer: string): URL {
  const problem = issuerProblem(issuer);
  if (problem !== undefined) throw new ChainOptionsError('ERR_CHAIN_INVALID_ISSUER', `issuer ${problem}`);
  return new URL(issuer);
}

function defaultClient(
  upstream: UpstreamConfig,
  options: AuthorizationServerOptions,
  timeoutMs: number,
  logger: Logger,
) {
  const base = {
    name: upstream.name,
    clientId: upstream.clientId,
    scopes: upstream.scopes,
    ...(upstream.clientSecret === undefined ? {} : { clientSecret: upstream.clientSecret.reveal() }),
  };
  const urls =
    upstream.type === 'oidc'
      ? [upstream.issuer]
      : [upstream.authorizationEndpoint, upstream.tokenEndpoint, upstream.userinfo.endpoint];
  // Plain http only for loopback upstreams (tests, the demo); never switched on for https ones.
  const parsed = urls.map((value) => new URL(value));
  const allowInsecureHttp =
    parsed.some((url) => url.protocol === 'http:') &&
    parsed.every((url) => url.protocol === 'https:' || isLoopbackUrl(url));
  return createUpstreamClient(
    upstream.type === 'oidc'
      ? { ...base, type: 'oidc', issuer: upstream.issuer }
      : {
          ...base,
          type: 'oauth2',
          authorizationEndpoint: upstream.authorizationEndpoint,
          tokenEndpoint: upstream.tokenEndpoint,
          userinfo: upstream.userinfo,
        },
    {
      timeoutMs,
      logger,
      allowInsecureHttp,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.now === undefined ? {} : { now: options.now }),
    },
  );
}

/** Wraps an HTML endpoint: its unexpected failures become an error page, never a JSON or stack trace. */
function htmlEndpoint(
  logger: Logger,
  handler: (req: Request, res: Response) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      const mapped = toOAuthError(error);
      logger.error(
        { event: 'request.error', route: logRoute(req), sent: mapped.error },
        'interactive request failed',
      );
      if (!res.headersSent) sendErrorPage(res, mapped.status, mapped.error, mapped.errorDescription);
    }
  };
}

function cors(req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, MCP-Protocol-Version',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  });
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
}

function methodNotAllowed(allow: string): RequestHandler {
  return (_req, res) => {
    res.set('Allow', allow);
    throw new OAuthError('method_not_allowed', 'method not allowed');
  };
}

/**
 * Creates the authorization server of SPEC §5–§7: RFC 8414 discovery, the
 * authorization endpoint with consent and the sequential multi-upstream chain,
 * the token endpoint (RFC 6749, RFC 7636, RFC 9068 access tokens), RFC 7591
 * registration, RFC 7009 revocation, RFC 7662 introspection and OIDC userinfo.
 * Throws `ChainOptionsError` for options that cannot work.
 */
export async function createAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServer> {
  const { config, storage } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const issuerUrl = checkIssuer(config.issuer);
  if (config.upstreams.length === 0)
    throw new ChainOptionsError('ERR_CHAIN_NO_UPSTREAM', 'at least one upstream is required');
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  if (!Number.isInteger(upstreamTimeoutMs) || upstreamTimeoutMs <= 0)
    throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', 'upstreamTimeoutMs must be a positive integer');

  // An empty or short HMAC key would let anyone forge the consent and browser-binding cookies.
  if (
    options.cookieSecret !== undefined &&
    (!(options.cookieSecret instanceof Uint8Array) ||
      options.cookieSecret.byteLength < MIN_COOKIE_SECRET_BYTES)
  )
    throw new ChainOptionsError(
      'ERR_CHAIN_INVALID_OPTION',
      `cookieSecret must be at least ${MIN_COOKIE_SECRET_BYTES} bytes`,
    );

  const upstreams = config.upstreams.map((upstream) => {
    if (options.upstreamClients === undefined) {
      try {
        return { config: upstream, client: defaultClient(upstream, options, upstreamTimeoutMs, logger) };
      } catch (cause) {
        const reason = cause instanceof OptionsError ? `: ${cause.message}` : '';
        throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', `upstream ${upstream.name}${reason}`, {
          cause,
        });
      }
    }
    const client = options.upstreamClients.find((candidate) => candidate.name === upstream.name);
    if (client === undefined)
      throw new ChainOptionsError('ERR_CHAIN_UPSTREAM_MISMATCH', `no upstream client named ${upstream.name}`);
    return { config: upstream, client };
  });

  const keys = await loadSigningKeys(config.signingKeys);
  if (keys.ephemeral)
    logger.warn(
      { event: 'keys.ephemeral' },
      'no signing key configured: using an ephemeral ES256 key; tokens will not survive a restart',
    );
  const resources = [...new Set(config.routes.map((route) => route.resource))];
  const tokens = createTokenIssuer({
    issuer: config.issuer,
    keys,
    now,
    accessTokenLifetime: config.tokenLifetimes.accessToken,
    resources,
  });
  const ctx: ServerContext = {
    config,
    issuer: config.issuer,
    storage,
    logger,
    now,
    keys,
    tokens,
    upstreams,
    upstreamTimeoutMs,
    resources,
    cookieSecret: options.cookieSecret ?? keys.derivedSecret('consent-cookie-v1'),
    cookie: {
      path: `${issuerUrl.pathname.replace(/\/$/, '')}/oauth`,
      secure: issuerUrl.protocol === 'https:',
    },
    pendingLifetime: Math.max(PENDING_LIFETIME_SECONDS, config.tokenLifetimes.authorizationCode),
  };
  await saveStaticClients(ctx);

  const jwks = { keys: keys.all.map((key) => key.jwk) };
  const metadata = serverMetadata(ctx);
  const form = express.text({ type: 'application/x-www-form-urlencoded', limit: FORM_LIMIT, inflate: false });
  const json = express.json({ limit: JSON_LIMIT, inflate: false, strict: true });

  const router = Router();
  router.use(
    [
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/.well-known/jwks.json',
    ],
    cors,
  );
  router.use(
    ['/oauth/token', '/oauth/register', '/oauth/revoke', '/oauth/introspect', '/oauth/userinfo'],
    cors,
  );
  router.get(
    ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'],
    (_req, res) => {
      res.set('Cache-Control', 'public, max-age=300').json(metadata);
    },
  );
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  });
  router.get('/oauth/authorize', htmlEndpoint(logger, authorizeHandler(ctx)));
  router.post('/oauth/consent', form, htmlEndpoint(logger, consentHandler(ctx)));
  router.get('/oauth/callback/:upstream', htmlEndpoint(logger, callbackHandler(ctx)));
  router.post('/oauth/token', form, tokenHandler(ctx));
  if (config.registration.enabled) router.post('/oauth/register', json, registerHandler(ctx));
  router.post('/oauth/revoke', form, revokeHandler(ctx));
  router.post('/oauth/introspect', form, introspectHandler(ctx));
  router.get('/oauth/userinfo', userinfoHandler(ctx));
  router.post('/oauth/userinfo', form, userinfoHandler(ctx));
  router.all(['/oauth/authorize', '/oauth/callback/:upstream'], methodNotAllowed('GET'));
  router.all(
    ['/oauth/consent', '/oauth/token', '/oauth/revoke', '/oauth/introspect'],
    methodNotAllowed('POST'),
  );
  router.all('/oauth/userinfo', methodNotAllowed('GET, POST'));
  router.use('/oauth', () => {
    throw new OAuthError('not_found', 'no such endpoint');
  });
  router.use(errorHandler(logger));

  return {
    router,
    issuer: config.issuer,
    jwks: () => ({ keys: jwks.keys.map((key) => ({ ...key })) }),
    metadata: () => ({ ...metadata }),
    upstreamClients: Object.freeze(
      Object.fromEntries(upstreams.map(({ config: { name }, client }) => [name, client])),
    ),
    async close() {},
  };
}
