import { silentLogger } from '@auth/protocol';
import { createBoundedFetch } from './internal/bounded-fetch.js';
import type { ClientContext } from './internal/client-context.js';
import { createOAuth2UpstreamClient } from './internal/oauth2-upstream-client.js';
import { createOidcUpstreamClient } from './internal/oidc-upstream-client.js';
import { validateOptions } from './internal/validate-options.js';
import type { UpstreamClient } from './upstream-client.js';
import type { UpstreamClientOptions, UpstreamRuntime } from './upstream-client-options.js';

/** Default bound on every upstream HTTP call. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * Creates the client of one upstream IdP: `oidc` (openid-client: discovery, PKCE S256,
 * nonce, RFC 9207 `iss`, ID token signature verified) or `oauth2` (GitHub-shaped
 * RFC 6749 §4.1 + RFC 7636, identity from userinfo). Options are checked now and throw
 * `UpstreamOptionsError`; discovery happens lazily on first use. Every call rejects only
 * with `UpstreamError` (or `UpstreamOptionsError` for a bad argument).
 */
export function createUpstreamClient(
  options: UpstreamClientOptions,
  runtime: UpstreamRuntime = {},
): UpstreamClient {
  validateOptions(options, runtime);
  const timeoutMs = runtime.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const refreshTimeoutMs = runtime.refreshTimeoutMs ?? timeoutMs;
  const fetch = createBoundedFetch(options.name, runtime.fetch, timeoutMs);
  const context: ClientContext = {
    fetch,
    timeoutMs,
    refreshFetch:
      refreshTimeoutMs === timeoutMs
        ? fetch
        : createBoundedFetch(options.name, runtime.fetch, refreshTimeoutMs),
    refreshTimeoutMs,
    logger: runtime.logger ?? silentLogger,
    now: runtime.now ?? Date.now,
    allowInsecureHttp: runtime.allowInsecureHttp === true,
  };
  return options.type === 'oidc'
    ? createOidcUpstreamClient(options, context)
    : createOAuth2UpstreamClient(options, context);
}
