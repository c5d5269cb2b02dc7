import { StorageUnavailableError } from '@auth/storage';
import { UpstreamError } from '@auth/upstream';
import { OAuthError } from '../oauth-error.js';

/** Log fields of a failure: codes and messages only, never token values. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof UpstreamError)
    return {
      errorCode: error.code,
      category: error.category,
      upstreamError: error.oauthError,
      status: error.status,
      detail: error.message,
    };
  if (error instanceof OAuthError)
    return { error: error.error, detail: error.detail ?? error.errorDescription };
  if (error instanceof Error) {
    // Body-parser and router errors quote client input in their messages: log their type only.
    const { status, type } = error as { status?: unknown; type?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500)
      return { errorName: error.name, status, ...(typeof type === 'string' ? { type } : {}) };
    return { errorName: error.name, detail: error.message };
  }
  return { detail: 'non-error thrown' };
}

/** The client-facing error of a failed leg (docs/architecture.md#chain-failures-and-optional-upstreams): upstream text never reaches the client. */
export function chainError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof UpstreamError) {
    if (error.category === 'denied')
      return new OAuthError('access_denied', 'the identity provider denied the request');
    if (error.category === 'unavailable')
      return new OAuthError('temporarily_unavailable', 'an identity provider is temporarily unavailable');
    return new OAuthError('server_error', 'sign-in at an identity provider failed');
  }
  if (error instanceof StorageUnavailableError)
    return new OAuthError('temporarily_unavailable', 'the service is temporarily unavailable');
  return new OAuthError('server_error', 'the authorization could not be completed');
}
