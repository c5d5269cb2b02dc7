import { calculatePKCECodeChallenge } from 'openid-client';
import type { UpstreamClient, UpstreamLegParameters } from '../upstream-client.js';
import type { OAuth2UpstreamClientOptions } from '../upstream-client-options.js';
import { assertCallbackUrl, assertLeg, assertRefreshToken } from './assert-arguments.js';
import { validateAuthorizationResponse } from './authorization-response.js';
import type { ClientContext } from './client-context.js';
import { logFailure } from './log-failure.js';
import { type TokenEndpointTarget, tokenEndpointRequest } from './token-endpoint-request.js';
import { toTokenSet } from './token-set.js';
import { fetchUserinfoIdentity } from './userinfo-request.js';

/**
 * A plain OAuth 2.0 upstream shaped like GitHub: RFC 6749 §4.1 with PKCE S256
 * (RFC 7636), tolerant of GitHub's form-encoded and 200-with-error token answers,
 * identity from the userinfo endpoint.
 */
export function createOAuth2UpstreamClient(
  options: OAuth2UpstreamClientOptions,
  context: ClientContext,
): UpstreamClient {
  const provider = options.name;
  const target: TokenEndpointTarget = {
    provider,
    fetch: context.fetch,
    tokenEndpoint: options.tokenEndpoint,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
  };
  const refreshTarget: TokenEndpointTarget = { ...target, fetch: context.refreshFetch };
  const commaSeparatedScope = true;
  const reauthenticationPrompt = options.reauthenticationPrompt ?? 'select_account';

  return {
    name: provider,
    type: 'oauth2',
    timeoutMs: context.timeoutMs,

    async discover() {
      // Endpoints are configured: nothing to fetch before the first leg.
    },

    async authorizationUrl(leg: UpstreamLegParameters): Promise<URL> {
      assertLeg(leg);
      const url = new URL(options.authorizationEndpoint);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('redirect_uri', leg.redirectUri);
      if (options.scopes.length > 0) url.searchParams.set('scope', options.scopes.join(' '));
      url.searchParams.set('state', leg.state);
      url.searchParams.set('code_challenge', await calculatePKCECodeChallenge(leg.codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      if (leg.prompt !== undefined || leg.maxAge !== undefined) {
        // No authentication time comes back from a plain OAuth 2.0 server, so any max_age asks
        // for the interaction: GitHub's account picker by default (it has no prompt=login).
        url.searchParams.set('prompt', reauthenticationPrompt);
        if (reauthenticationPrompt === 'login' && leg.maxAge !== undefined)
          url.searchParams.set('max_age', String(leg.maxAge));
      }
      return url;
    },

    async completeAuthorization(callbackUrl, leg) {
      assertCallbackUrl(callbackUrl);
      assertLeg(leg);
      try {
        const code = validateAuthorizationResponse(provider, callbackUrl, { expectedState: leg.state });
        const body = await tokenEndpointRequest(target, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: leg.redirectUri,
          code_verifier: leg.codeVerifier,
        });
        const tokens = toTokenSet({ provider, body, now: context.now(), commaSeparatedScope });
        const identity = await fetchUserinfoIdentity(
          provider,
          context.fetch,
          options.userinfo,
          tokens.accessToken,
        );
        context.logger.debug({ provider, operation: 'authorization_code' }, 'upstream leg completed');
        return { tokens, identity };
      } catch (error) {
        logFailure(context.logger, provider, 'authorization_code', error);
        throw error;
      }
    },

    async refresh(refreshToken) {
      assertRefreshToken(refreshToken);
      try {
        const body = await tokenEndpointRequest(refreshTarget, {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        });
        const tokens = toTokenSet({
          provider,
          body,
          now: context.now(),
          previousRefreshToken: refreshToken,
          commaSeparatedScope,
        });
        context.logger.debug({ provider, operation: 'refresh_token' }, 'upstream tokens refreshed');
        return tokens;
      } catch (error) {
        logFailure(context.logger, provider, 'refresh_token', error);
        throw error;
      }
    },
  } satisfies UpstreamClient;
}
