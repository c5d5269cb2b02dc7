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
export async function mapOpenidClientError(
  provider: string,
  operation: OidcOperation,
  error: unknown,
): Promise<UpstreamError> {
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
    const oauthError =
      oauthErrorValue(error.cause[0]?.parameters.error) ?? (await oauthErrorInBody(error.response));
    return statusError(provider, prefix, error.status, oauthError, cause);
  }
  if (error instanceof ClientError) {
    switch (error.code) {
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM': {
        // oauth4webapi reads OAuth error bodies of 4xx only; a 5xx may carry one too (RFC 6749 §5.2).
        if (error.cause instanceof Response) {
          return statusError(
            provider,
            prefix,
            error.cause.status,
            await oauthErrorInBody(error.cause),
            cause,
          );
        }
        return new UpstreamError(
          provider,
          'ERR_UPSTREAM_UNEXPECTED_STATUS',
          `${prefix} answered with an unexpected status`,
          { cause },
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

function statusError(
  provider: string,
  prefix: string,
  status: number,
  oauthError: string | undefined,
  cause: Error | undefined,
): UpstreamError {
  if (oauthError !== undefined) {
    return new UpstreamError(
      provider,
      'ERR_UPSTREAM_OAUTH_ERROR',
      `${prefix} answered OAuth error "${oauthError}" (HTTP ${status})`,
      { oauthError, status, cause },
    );
  }
  return new UpstreamError(provider, 'ERR_UPSTREAM_UNEXPECTED_STATUS', `${prefix} answered HTTP ${status}`, {
    status,
    cause,
  });
}

/** The `error` of a JSON error body, when the (buffered) body is still readable and holds one. */
async function oauthErrorInBody(response: Response): Promise<string | undefined> {
  if (response.bodyUsed) return undefined;
  try {
    const body: unknown = JSON.parse(await response.clone().text());
    return typeof body === 'object' && body !== null
      ? oauthErrorValue((body as { error?: unknown }).error)
      : undefined;
  } catch {
    return undefined;
  }
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
