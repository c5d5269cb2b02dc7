import type { MockIdpOptions } from '../mock-idp-options.js';
import { MockIdpOptionsError } from '../mock-idp-options-error.js';
import { normalizeUsername } from './user-profile.js';

function fail(message: string): never {
  throw new MockIdpOptionsError(message);
}

/** Checks what the types cannot (options may come from a CLI or plain JavaScript). */
export function validateOptions(options: MockIdpOptions): void {
  if (typeof options !== 'object' || options === null) fail('options: must be an object');
  if (options.mode !== 'oidc' && options.mode !== 'oauth2') fail('mode: must be oidc or oauth2');
  if (typeof options.clientId !== 'string' || options.clientId === '' || /[\s:]/.test(options.clientId)) {
    fail('clientId: must be a non-empty string without spaces or colons');
  }
  if (
    options.clientSecret !== undefined &&
    (typeof options.clientSecret !== 'string' || options.clientSecret === '')
  ) {
    fail('clientSecret: must be a non-empty string when given');
  }
  if (options.redirectUris !== undefined) {
    if (!Array.isArray(options.redirectUris)) fail('redirectUris: must be an array');
    options.redirectUris.forEach((uri, i) => {
      let url: URL | undefined;
      try {
        url = new URL(uri);
      } catch {
        fail(`redirectUris[${i}]: must be an absolute URL`);
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || uri.includes('#')) {
        fail(`redirectUris[${i}]: must be an http(s) URL without fragment`);
      }
    });
  }
  if (
    options.title !== undefined &&
    (typeof options.title !== 'string' || !/^[^\p{Cc}]{1,200}$/u.test(options.title))
  ) {
    fail('title: must be 1 to 200 characters without control characters');
  }
  if (options.autoLogin !== undefined && normalizeUsername(options.autoLogin) !== options.autoLogin) {
    fail('autoLogin: must be a username of 1 to 100 printable characters without surrounding spaces');
  }
  const ttl = options.accessTokenTtlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 31_536_000)) {
    fail('accessTokenTtlSeconds: must be an integer from 1 to 31536000');
  }
  if (options.refreshTokens !== undefined && typeof options.refreshTokens !== 'boolean') {
    fail('refreshTokens: must be a boolean');
  }
}
