import {
  AuthorizationResponseError,
  ClientError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
} from 'openid-client';
import { UpstreamError } from '../upstream-error.js';
import { oauthErrorValue } from './oauth-error-value.js';
import { safeCause } from './safe-cause.js';

/** Where in the flow an openid-client call failed, for the message. */
export type OidcOperation = 'discovery' | 'authorization response' | 'token endpoint';

/**
 * Maps an openid-client / oauth4webapi failure onto `UpstreamError` (the oauth4webapi
 * taxonomy: network, unexpected status, malformed body, OAuth error, failed validation).
 * Messages are built here from codes and claim names, never from library text, which
 * can quote bodies.
 */
export function mapOpenidClientError(
  provider: string,
  operation: OidcOperation,
  error: unknown,
): UpstreamError {
  const own = findUpstreamError(error);
  if (own !== undefined) return own;
  const cause = safeCause(error);
  const prefix = `upstream "${provider}" ${operation}`;

  if (error instanceof ResponseBodyError) {
    const oauthError = oauthErrorValue(error.error);
    if (oauthError === undefined) {
      return new UpstreamError(
        provider,
        'ERR_UPSTREAM_MALFORMED_RESPONSE',
        `${prefix} answered a malformed error`,
        {
          status: error.status,
          cause,
        },
      );
    }
    return new UpstreamError(
      provider,
      'ERR_UPSTREAM_OAUTH_ERROR',
      `${prefix} answered OAuth error "${oauthError}" (HTTP ${error.status})`,
      { oauthError, status: error.status, cause },
    );
  }
  if (error instanceof AuthorizationResponseError) {
    const oauthError = oauthErrorValue(error.error);
    if (oauthError === undefined) {
      return new UpstreamError(
        provider,
        'ERR_UPSTREAM_INVALID_RESPONSE',
        `${prefix} carries a malformed error`,
        {
          cause,
        },
      );
    }
    return new UpstreamError(
      provider,
      'ERR_UPSTREAM_OAUTH_ERROR',
      `${prefix} carries OAuth error "${oauthError}"`,
      {
        oauthError,
        cause,
      },
    );
  }
  if (error instanceof WWWAuthenticateChallengeError) {
    const oauthError = oauthErrorValue(error.cause[0]?.parameters.error);
    if (oauthError !== undefined) {
      return new UpstreamError(
        provider,
        'ERR_UPSTREAM_OAUTH_ERROR',
        `${prefix} answered OAuth error "${oauthError}" (HTTP ${error.status})`,
        { oauthError, status: error.status, cause },
      );
    }
    return new UpstreamError(
      provider,
      'ERR_UPSTREAM_UNEXPECTED_STATUS',
      `${prefix} answered HTTP ${error.status}`,
      {
        status: error.status,
        cause,
      },
    );
  }
  if (error instanceof ClientError) {
    switch (error.code) {
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM': {
        const status = error.cause instanceof Response ? error.cause.status : undefined;
        return new UpstreamError(
          provider,
          'ERR_UPSTREAM_UNEXPECTED_STATUS',
          `${prefix} answered HTTP ${status ?? 'with an unexpected status'}`,
          { ...(status !== undefined && { status }), cause },
        );
      }
      case 'OAUTH_RESPONSE_IS_NOT_JSON':
        return new UpstreamError(
          provider,
          'ERR_UPSTREAM_MALFORMED_RESPONSE',
          `${prefix} answered a non-JSON body`,
          {
            cause,
          },
        );
      case 'OAUTH_PARSE_ERROR':
        return new UpstreamError(
          provider,
          'ERR_UPSTREAM_MALFORMED_RESPONSE',
          `${prefix} answered an unparsable body`,
          {
            cause,
          },
        );
      case 'OAUTH_TIMEOUT':
        return new UpstreamError(provider, 'ERR_UPSTREAM_TIMEOUT', `${prefix} did not answer in time`, {
          cause,
        });
      case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED': {
        const claim = claimName(error);
        return new UpstreamError(
          provider,
          'ERR_UPSTREAM_INVALID_RESPONSE',
          `${prefix}: ID token claim ${claim === undefined ? '' : `"${claim}" `}failed validation`,
          { cause },
        );
      }
      default:
        return new UpstreamError(
          provider,
          'ERR_UPSTREAM_INVALID_RESPONSE',
          `${prefix} failed validation (${describeCode(error.code)})`,
          { cause },
        );
    }
  }
  return new UpstreamError(
    provider,
    'ERR_UPSTREAM_INVALID_RESPONSE',
    `${prefix} failed (${safeName(error)})`,
    {
      cause,
    },
  );
}

function findUpstreamError(error: unknown): UpstreamError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof UpstreamError) return current;
    current = current.cause;
  }
  return undefined;
}

function claimName(error: ClientError): string | undefined {
  const inner: unknown = error.cause instanceof Error ? error.cause.cause : undefined;
  const claim: unknown =
    typeof inner === 'object' && inner !== null ? (inner as { claim?: unknown }).claim : undefined;
  return typeof claim === 'string' && /^[a-z_]{1,32}$/.test(claim) ? claim : undefined;
}

function describeCode(code: string | undefined): string {
  return code !== undefined && /^[A-Z_]{1,64}$/.test(code) ? code : 'unknown reason';
}

function safeName(error: unknown): string {
  return error instanceof Error && /^[A-Za-z]{1,64}$/.test(error.name) ? error.name : 'unknown error';
}
