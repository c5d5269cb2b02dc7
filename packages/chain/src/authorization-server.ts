import { hkdfSync } from 'node:crypto';
import {
  guardedObserver,
  hasHiddenFormatting,
  issuerProblem,
  type Logger,
  silentLogger,
} from '@auth/protocol';
import { DEFAULT_UPSTREAM_TIMEOUT_MS } from '@auth/upstream';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { JWK } from 'jose';
import type {
  AuthorizationServerOptions,
  ChainUpstream,
  MetadataDocumentOptions,
} from './authorization-server-options.js';
import { ChainOptionsError } from './chain-options-error.js';
import { limitByAddress } from './internal/abuse-limits.js';
import { oneBearerToken } from './internal/bearer-request.js';
import type { RegistrationRules, ServerContext, Upstream } from './internal/context.js';
import { errorHandler, toOAuthError } from './internal/error-handler.js';
import { sendErrorPage } from './internal/html.js';
import { logRoute } from './internal/log-route.js';
import {
  createMetadataDocumentClients,
  type MetadataDocumentSettings,
} from './internal/metadata-documents/metadata-document-clients.js';
import { systemResolver } from './internal/metadata-documents/pinned-addresses.js';
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

/** A running authorization server. */
export interface AuthorizationServer {
  /** Mount at the issuer's path (the root for `http://127.0.0.1:8080`). */
  readonly router: Router;
  readonly issuer: string;
  /** The public JWKS: the signing key and the verify-only ones. */
  jwks(): { keys: JWK[] };
  /** The RFC 8414 metadata document. */
  metadata(): Record<string, unknown>;
  close(): Promise<void>;
}

const FORM_LIMIT = '32kb';
const DEFAULT_UNUSED_CLIENT_LIFETIME_SECONDS = 30 * 86_400;
const DEFAULT_MAX_REDIRECT_URIS = 10;
const DEFAULT_MAX_REGISTRATION_BYTES = 16_384;
const PENDING_LIFETIME_SECONDS = 600;
/** Users without a live grant are forgotten after this long (docs/architecture.md#record-lifetimes). */
const DEFAULT_USER_RETENTION_SECONDS = 90 * 86_400;
const MIN_COOKIE_SECRET_BYTES = 32;

/** The issuer identifier rule is `@auth/config`'s too, so `auth-server check` and `serve` agree. */
function checkIssuer(issuer: string): URL {
  const problem = issuerProblem(issuer);
  if (problem !== undefined) throw new ChainOptionsError('ERR_CHAIN_INVALID_ISSUER', `issuer ${problem}`);
  return new URL(issuer);
}

/** The upstreams in chain order, each named by its client; names are unique (they are callback paths). */
function checkUpstreams(
  upstreams: readonly ChainUpstream[] | undefined,
  fallbackTimeoutMs: number,
): Upstream[] {
  if (!Array.isArray(upstreams) || upstreams.length === 0)
    throw new ChainOptionsError('ERR_CHAIN_NO_UPSTREAM', 'at least one upstream is required');
  const checked: Upstream[] = [];
  upstreams.forEach((upstream: Partial<ChainUpstream> | undefined, index) => {
    const client = upstream?.client;
    if (
      typeof client?.name !== 'string' ||
      client.name.length === 0 ||
      typeof client.authorizationUrl !== 'function' ||
      typeof client.completeAuthorization !== 'function'
    )
      throw new ChainOptionsError(
        'ERR_CHAIN_UPSTREAM_MISMATCH',
        `upstreams[${index}] has no upstream client (createUpstreamClient)`,
      );
    if (checked.some((other) => other.name === client.name))
      throw new ChainOptionsError(
        'ERR_CHAIN_UPSTREAM_MISMATCH',
        `two upstreams are named ${client.name}; their callbacks would collide`,
      );
    const timeoutMs = client.timeoutMs ?? fallbackTimeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new ChainOptionsError(
        'ERR_CHAIN_INVALID_OPTION',
        `upstreams[${index}]: the client's timeoutMs must be a positive integer`,
      );
    const displayName = upstream?.displayName ?? client.name;
    if (
      typeof displayName !== 'string' ||
      displayName.trim() === '' ||
      displayName.length > 100 ||
      hasHiddenFormatting(displayName)
    )
      throw new ChainOptionsError(
        'ERR_CHAIN_INVALID_OPTION',
        `upstreams[${index}].displayName must be 1 to 100 characters without control or bidirectional formatting characters`,
      );
    checked.push({
      name: client.name,
      displayName,
      optional: upstream?.optional === true,
      client,
      timeoutMs,
    });
  });
  return checked;
}

function checkLifetimes(lifetimes: AuthorizationServerOptions['lifetimes'] | undefined): void {
  for (const name of ['accessToken', 'refreshToken', 'authorizationCode'] as const) {
    const value = lifetimes?.[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
      throw new ChainOptionsError(
        'ERR_CHAIN_INVALID_OPTION',
        `lifetimes.${name} must be a positive integer (seconds)`,
      );
  }
}

function checkStrings(value: unknown, name: string): void {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string'))
    throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', `${name} must be an array of strings`);
}

function nonNegativeInteger(value: number | undefined, fallback: number, name: string): number {
  const checked = value ?? fallback;
  if (!Number.isInteger(checked) || checked < 0)
    throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', `${name} must be a non-negative integer`);
  return checked;
}

/** The client metadata document settings, defaults filled in (docs in the README's options table). */
function checkMetadataDocuments(options: MetadataDocumentOptions | undefined): MetadataDocumentSettings {
  const given = options ?? {};
  checkStrings(given.allowedHosts ?? [], 'metadataDocuments.allowedHosts');
  if (given.ca !== undefined) checkStrings(given.ca, 'metadataDocuments.ca');
  const minTtlSeconds = nonNegativeInteger(given.minTtlSeconds, 60, 'metadataDocuments.minTtlSeconds');
  const maxTtlSeconds = nonNegativeInteger(given.maxTtlSeconds, 86_400, 'metadataDocuments.maxTtlSeconds');
  if (minTtlSeconds > maxTtlSeconds)
    throw new ChainOptionsError(
      'ERR_CHAIN_INVALID_OPTION',
      'metadataDocuments.minTtlSeconds must not exceed metadataDocuments.maxTtlSeconds',
    );
  const timeoutMs = given.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new ChainOptionsError(
      'ERR_CHAIN_INVALID_OPTION',
      'metadataDocuments.timeoutMs must be a positive integer',
    );
  return {
    enabled: given.enabled ?? true,
    allowedHosts: new Set(
      (given.allowedHosts ?? []).map((host) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase()),
    ),
    minTtlSeconds,
    maxTtlSeconds,
    timeoutMs,
    resolve: given.resolve ?? systemResolver,
    ...(given.ca === undefined ? {} : { ca: [...given.ca] }),
  };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const checked = value ?? fallback;
  if (!Number.isInteger(checked) || checked <= 0)
    throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', `${name} must be a positive integer`);
  return checked;
}

/** Registration's bounds, defaults filled in, and its body limit in bytes. */
function checkRegistration(
  options: AuthorizationServerOptions['registration'] | undefined,
): RegistrationRules & { maxBodyBytes: number } {
  const token = options?.initialAccessToken;
  if (token !== undefined && (typeof token !== 'string' || token.length === 0))
    throw new ChainOptionsError(
      'ERR_CHAIN_INVALID_OPTION',
      'registration.initialAccessToken must be a non-empty string',
    );
  return {
    initialAccessToken: token,
    unusedClientLifetime: positiveInteger(
      options?.unusedClientLifetime,
      DEFAULT_UNUSED_CLIENT_LIFETIME_SECONDS,
      'registration.unusedClientLifetime',
    ),
    maxRedirectUris: positiveInteger(
      options?.maxRedirectUris,
      DEFAULT_MAX_REDIRECT_URIS,
      'registration.maxRedirectUris',
    ),
    maxBodyBytes: positiveInteger(
      options?.maxBodyBytes,
      DEFAULT_MAX_REGISTRATION_BYTES,
      'registration.maxBodyBytes',
    ),
  };
}

/** express's `req.ip` (which follows its `trust proxy` setting), else the peer's address. */
function defaultClientAddress(req: Request): string {
  return req.ip ?? req.socket?.remoteAddress ?? '';
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
 * Creates the authorization server (docs/architecture.md#the-authorization-server): RFC 8414 discovery, the
 * authorization endpoint with consent and the sequential multi-upstream chain,
 * the token endpoint (RFC 6749, RFC 7636, RFC 9068 access tokens), RFC 7591
 * registration, RFC 7009 revocation, RFC 7662 introspection and OIDC userinfo.
 * Throws `ChainOptionsError` for options that cannot work.
 */
export async function createAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServer> {
  const { issuer, storage, lifetimes } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const issuerUrl = checkIssuer(issuer);
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  if (!Number.isInteger(upstreamTimeoutMs) || upstreamTimeoutMs <= 0)
    throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', 'upstreamTimeoutMs must be a positive integer');
  const upstreams = checkUpstreams(options.upstreams, upstreamTimeoutMs);
  checkLifetimes(lifetimes);
  checkStrings(options.audiences, 'audiences');
  checkStrings(options.scopesSupported, 'scopesSupported');
  const userRetention = options.userRetention ?? DEFAULT_USER_RETENTION_SECONDS;
  if (!Number.isInteger(userRetention) || userRetention <= 0)
    throw new ChainOptionsError(
      'ERR_CHAIN_INVALID_OPTION',
      'userRetention must be a positive integer (seconds)',
    );

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

  const keys = await loadSigningKeys(options.signingKeys ?? []);
  if (keys.ephemeral)
    logger.warn(
      { event: 'keys.ephemeral' },
      'no signing key configured: using an ephemeral ES256 key; tokens will not survive a restart',
    );
  else if (keys.ephemeralRs256)
    logger.warn(
      { event: 'keys.generated_rs256' },
      'no RS256 signing key configured: ID tokens for RS256 clients use a key generated at start, which other replicas do not publish; add an RS256 key to the signing keys',
    );
  const resources = [...new Set(options.audiences)];
  const tokens = createTokenIssuer({
    issuer,
    keys,
    now,
    accessTokenLifetime: lifetimes.accessToken,
    resources,
  });
  const registration = options.registration?.enabled === true;
  const { maxBodyBytes, ...registrationRules } = checkRegistration(options.registration);
  if (options.limiter !== undefined && typeof options.limiter.consume !== 'function')
    throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', 'limiter must have consume and check');
  const metadataDocuments = createMetadataDocumentClients(
    checkMetadataDocuments(options.metadataDocuments),
    options.scopesSupported,
    now,
    logger,
  );
  const cookieSecret = options.cookieSecret ?? keys.derivedSecret('consent-cookie-v1');
  const ctx: ServerContext = {
    issuer,
    lifetimes: { ...lifetimes },
    scopesSupported: [...options.scopesSupported],
    registration,
    registrationRules,
    metadataDocuments,
    storage,
    logger,
    events: guardedObserver(options.events, logger),
    now,
    keys,
    tokens,
    upstreams,
    upstreamTimeoutMs,
    resources,
    cookieSecret,
    consentFormKey: new Uint8Array(hkdfSync('sha256', cookieSecret, 'auth-chain', 'consent-form-v1', 32)),
    cookie: {
      path: `${issuerUrl.pathname.replace(/\/$/, '')}/oauth`,
      secure: issuerUrl.protocol === 'https:',
    },
    pendingLifetime: Math.max(PENDING_LIFETIME_SECONDS, lifetimes.authorizationCode),
    userRetention,
    limiter: options.limiter,
    clientAddress: options.clientAddress ?? defaultClientAddress,
  };
  await saveStaticClients(ctx, options.clients ?? []);

  const jwks = { keys: keys.all.map((key) => key.jwk) };
  const metadata = serverMetadata(ctx);
  const form = express.text({ type: 'application/x-www-form-urlencoded', limit: FORM_LIMIT, inflate: false });
  const registrationJson = express.json({ limit: maxBodyBytes, inflate: false, strict: true });

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
    oneBearerToken,
    (_req, res) => {
      res.set('Cache-Control', 'public, max-age=300').json(metadata);
    },
  );
  router.get('/.well-known/jwks.json', oneBearerToken, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  });
  // RFC 6750 §2: one bearer token per request, wherever it is sent (checked after each body parser).
  router.get(
    '/oauth/authorize',
    limitByAddress(ctx, 'authorize'),
    oneBearerToken,
    htmlEndpoint(logger, authorizeHandler(ctx)),
  );
  router.post('/oauth/consent', form, oneBearerToken, htmlEndpoint(logger, consentHandler(ctx)));
  router.get('/oauth/callback/:upstream', oneBearerToken, htmlEndpoint(logger, callbackHandler(ctx)));
  router.post('/oauth/token', form, oneBearerToken, tokenHandler(ctx));
  if (registration)
    router.post(
      '/oauth/register',
      limitByAddress(ctx, 'register'),
      registrationJson,
      oneBearerToken,
      registerHandler(ctx),
    );
  router.post('/oauth/revoke', form, oneBearerToken, revokeHandler(ctx));
  router.post('/oauth/introspect', form, oneBearerToken, introspectHandler(ctx));
  router.get('/oauth/userinfo', oneBearerToken, userinfoHandler(ctx));
  router.post('/oauth/userinfo', form, oneBearerToken, userinfoHandler(ctx));
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
    issuer,
    jwks: () => ({ keys: jwks.keys.map((key) => ({ ...key })) }),
    metadata: () => ({ ...metadata }),
    async close() {},
  };
}
