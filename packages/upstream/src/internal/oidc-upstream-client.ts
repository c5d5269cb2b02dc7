import * as client from 'openid-client';
import type { UpstreamClient, UpstreamIdentity, UpstreamLegParameters } from '../upstream-client.js';
import type { OidcUpstreamClientOptions } from '../upstream-client-options.js';
import { UpstreamError } from '../upstream-error.js';
import { assertCallbackUrl, assertLeg, assertRefreshToken } from './assert-arguments.js';
import { validateAuthorizationResponse } from './authorization-response.js';
import type { ClientContext } from './client-context.js';
import { logFailure } from './log-failure.js';
import { mapOpenidClientError, type OidcOperation } from './map-openid-client-error.js';
import { toTokenSet } from './token-set.js';

/**
 * An OpenID Connect upstream on openid-client: discovery (lazy, cached once it
 * succeeds), authorization code + PKCE S256 (RFC 7636), `state`, `nonce`, RFC 9207 `iss`
 * when advertised, and the ID token verified fully, signature included (OIDC Core §3.1.3.7).
 */
export function createOidcUpstreamClient(
  options: OidcUpstreamClientOptions,
  context: ClientContext,
): UpstreamClient {
  const provider = options.name;
  const scope = (options.scopes.includes('openid') ? options.scopes : ['openid', ...options.scopes]).join(
    ' ',
  );
  let pending: Promise<client.Configuration> | undefined;
  let forRefresh: client.Configuration | undefined;
  const clientAuthentication = () =>
    options.clientSecret === undefined ? client.None() : client.ClientSecretBasic(options.clientSecret);
  // openid-client verifies ID token signatures only when asked (OIDC Core §3.1.3.7); discovery
  // recognizes allowInsecureRequests among these by identity.
  const execute = [
    client.enableNonRepudiationChecks,
    ...(context.allowInsecureHttp ? [client.allowInsecureRequests] : []),
  ];

  /**
   * The discovered configuration with the refresh deadline: a refresh may take longer than a
   * caller waits (its late answer is kept), so its calls get their own bounded fetch.
   */
  function refreshConfiguration(config: client.Configuration): client.Configuration {
    if (context.refreshFetch === context.fetch) return config;
    if (forRefresh === undefined) {
      const copy = new client.Configuration(
        config.serverMetadata(),
        options.clientId,
        undefined,
        clientAuthentication(),
      );
      copy[client.customFetch] = context.refreshFetch;
      copy.timeout = Math.ceil(context.refreshTimeoutMs / 1000) + 1;
      for (const apply of execute) apply(copy);
      forRefresh = copy;
    }
    return forRefresh;
  }

  /** Discovery on first use; a failure is not cached, so the next call retries. */
  function configuration(): Promise<client.Configuration> {
    pending ??= discover().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  }

  async function discover(): Promise<client.Configuration> {
    const config = await client
      .discovery(new URL(options.issuer), options.clientId, undefined, clientAuthentication(), {
        [client.customFetch]: context.fetch,
        // Our own deadline (milliseconds) fires first; this one is only a backstop.
        timeout: Math.ceil(context.timeoutMs / 1000) + 1,
        execute,
      })
      .catch(async (error: unknown) => {
        throw await mapOpenidClientError(provider, 'discovery', error);
      });
    const metadata = config.serverMetadata();
    if (!metadata.jwks_uri) {
      throw new UpstreamError(
        provider,
        'ERR_UPSTREAM_INVALID_RESPONSE',
        `upstream "${provider}" discovery has no jwks_uri, so ID token signatures cannot be verified`,
      );
    }
    if (!metadata.token_endpoint || !metadata.authorization_endpoint) {
      throw new UpstreamError(
        provider,
        'ERR_UPSTREAM_INVALID_RESPONSE',
        `upstream "${provider}" discovery lacks the authorization or token endpoint`,
      );
    }
    if (
      metadata.code_challenge_methods_supported &&
      !metadata.code_challenge_methods_supported.includes('S256')
    ) {
      context.logger.warn({ provider }, 'upstream does not advertise PKCE S256; sending it anyway');
    }
    context.logger.debug({ provider, issuer: metadata.issuer }, 'upstream discovery completed');
    return config;
  }

  async function step<T>(operation: OidcOperation, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw await mapOpenidClientError(provider, operation, error);
    }
  }

  return {
    name: provider,
    type: 'oidc',
    timeoutMs: context.timeoutMs,

    async discover() {
      try {
        await configuration();
      } catch (error) {
        logFailure(context.logger, provider, 'discovery', error);
        throw error;
      }
    },

    async authorizationUrl(leg: UpstreamLegParameters): Promise<URL> {
      assertLeg(leg);
      let config: client.Configuration;
      try {
        config = await configuration();
      } catch (error) {
        logFailure(context.logger, provider, 'discovery', error);
        throw error;
      }
      return client.buildAuthorizationUrl(config, {
        redirect_uri: leg.redirectUri,
        scope,
        state: leg.state,
        nonce: leg.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(leg.codeVerifier),
        code_challenge_method: 'S256',
        // OIDC Core §3.1.2.1: the chain checks the answer's auth_time itself.
        ...(leg.prompt === undefined ? {} : { prompt: leg.prompt }),
        ...(leg.maxAge === undefined ? {} : { max_age: String(leg.maxAge) }),
      });
    },

    async completeAuthorization(callbackUrl, leg) {
      assertCallbackUrl(callbackUrl);
      assertLeg(leg);
      try {
        const config = await configuration();
        const metadata = config.serverMetadata();
        // Checked here for precise errors; openid-client checks the same again.
        validateAuthorizationResponse(provider, callbackUrl, {
          expectedState: leg.state,
          issuer: {
            value: metadata.issuer,
            required: metadata.authorization_response_iss_parameter_supported === true,
          },
        });
        // The token request's redirect_uri is the leg's, whatever host the callback came in on.
        const current = new URL(leg.redirectUri);
        current.search = callbackUrl.search;
        const response = await step('token endpoint', () =>
          client.authorizationCodeGrant(config, current, {
            pkceCodeVerifier: leg.codeVerifier,
            expectedState: leg.state,
            expectedNonce: leg.nonce,
            idTokenExpected: true,
          }),
        );
        const claims = response.claims();
        if (claims === undefined || typeof claims.sub !== 'string' || claims.sub.length === 0) {
          throw new UpstreamError(
            provider,
            'ERR_UPSTREAM_INVALID_RESPONSE',
            `upstream "${provider}" sent no ID token subject`,
          );
        }
        const identity: UpstreamIdentity = { subject: claims.sub };
        if (typeof claims['name'] === 'string' && claims['name'].length > 0) identity.name = claims['name'];
        if (typeof claims['email'] === 'string' && claims['email'].length > 0)
          identity.email = claims['email'];
        const tokens = toTokenSet({ provider, body: response, now: context.now() });
        context.logger.debug({ provider, operation: 'authorization_code' }, 'upstream leg completed');
        // oauth4webapi has checked that a present auth_time is a non-negative number.
        const authTime = typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : undefined;
        return { tokens, identity, ...(authTime === undefined ? {} : { authTime }) };
      } catch (error) {
        const mapped = await mapOpenidClientError(provider, 'authorization response', error);
        logFailure(context.logger, provider, 'authorization_code', mapped);
        throw mapped;
      }
    },

    async refresh(refreshToken) {
      assertRefreshToken(refreshToken);
      try {
        const config = refreshConfiguration(await configuration());
        const response = await step('token endpoint', () => client.refreshTokenGrant(config, refreshToken));
        const tokens = toTokenSet({
          provider,
          body: response,
          now: context.now(),
          previousRefreshToken: refreshToken,
        });
        context.logger.debug({ provider, operation: 'refresh_token' }, 'upstream tokens refreshed');
        return tokens;
      } catch (error) {
        const mapped = await mapOpenidClientError(provider, 'token endpoint', error);
        logFailure(context.logger, provider, 'refresh_token', mapped);
        throw mapped;
      }
    },
  } satisfies UpstreamClient;
}
