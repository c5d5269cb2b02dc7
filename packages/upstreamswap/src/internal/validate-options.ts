import { isScopeToken } from '@auth/protocol';
import type { HeaderStrategy, UpstreamSwapOptions } from '../upstream-swap-options.js';
import { UpstreamSwapOptionsError } from '../upstream-swap-options-error.js';

// Provider names (docs/architecture.md#naming-rules).
const PROVIDER_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
// RFC 9110 §5.1: field-name = token.
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers a token must never go into: credentials of the gateway itself, framing, hop-by-hop (RFC 9110 §7.6.1). */
const FORBIDDEN_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
]);

export interface ValidatedOptions {
  providerName: string;
  headerStrategy: HeaderStrategy;
  /** Lower-case header name for `custom`. */
  headerName: string | undefined;
  resourceMetadataUrl: string | undefined;
  /** Space-delimited, or `undefined` for none. */
  challengeScope: string | undefined;
  retryAfterSeconds: number;
}

/** Checks `createUpstreamSwap` options; every problem is an `UpstreamSwapOptionsError`. */
export function validateOptions(options: UpstreamSwapOptions): ValidatedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new UpstreamSwapOptionsError('ERR_UPSTREAMSWAP_INVALID_OPTION', 'options must be an object');
  }
  const { providerName, headerStrategy, customHeaderName } = options;
  if (typeof providerName !== 'string' || !PROVIDER_NAME.test(providerName)) {
    throw new UpstreamSwapOptionsError(
      'ERR_UPSTREAMSWAP_INVALID_PROVIDER',
      'providerName must be a provider name (lower-case letters, digits and inner hyphens)',
    );
  }
  if (headerStrategy !== 'replace' && headerStrategy !== 'custom') {
    throw new UpstreamSwapOptionsError(
      'ERR_UPSTREAMSWAP_INVALID_STRATEGY',
      `headerStrategy must be 'replace' or 'custom' (got ${JSON.stringify(String(headerStrategy)).slice(0, 40)})`,
    );
  }
  let headerName: string | undefined;
  if (headerStrategy === 'custom') {
    if (typeof customHeaderName !== 'string' || !FIELD_NAME.test(customHeaderName)) {
      throw new UpstreamSwapOptionsError(
        'ERR_UPSTREAMSWAP_INVALID_HEADER',
        "headerStrategy 'custom' needs customHeaderName, a valid HTTP header name (RFC 9110 §5.1)",
      );
    }
    headerName = customHeaderName.toLowerCase();
    if (FORBIDDEN_HEADERS.has(headerName)) {
      throw new UpstreamSwapOptionsError(
        'ERR_UPSTREAMSWAP_INVALID_HEADER',
        `customHeaderName cannot be ${customHeaderName}: use headerStrategy 'replace' for Authorization; framing and hop-by-hop headers are not allowed`,
      );
    }
  } else if (customHeaderName !== undefined) {
    throw new UpstreamSwapOptionsError(
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
      "customHeaderName is only used with headerStrategy 'custom'",
    );
  }
  let resourceMetadataUrl: string | undefined;
  if (options.resourceMetadataUrl !== undefined) {
    const text =
      options.resourceMetadataUrl instanceof URL
        ? options.resourceMetadataUrl.href
        : options.resourceMetadataUrl;
    if (typeof text !== 'string' || !URL.canParse(text)) {
      throw new UpstreamSwapOptionsError(
        'ERR_UPSTREAMSWAP_INVALID_OPTION',
        'resourceMetadataUrl must be a URL',
      );
    }
    resourceMetadataUrl = text;
  }
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
    throw new UpstreamSwapOptionsError(
      'ERR_UPSTREAMSWAP_INVALID_OPTION',
      'retryAfterSeconds must be a non-negative integer',
    );
  }
  const scopes = options.challengeScope;
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && isScopeToken(scope)))
  ) {
    throw new UpstreamSwapOptionsError(
      'ERR_UPSTREAMSWAP_INVALID_OPTION',
      'challengeScope must be an array of scope tokens (RFC 6749 §3.3)',
    );
  }
  const challengeScope = scopes === undefined || scopes.length === 0 ? undefined : scopes.join(' ');
  return { providerName, headerStrategy, headerName, resourceMetadataUrl, challengeScope, retryAfterSeconds };
}
