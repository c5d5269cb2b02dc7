import type { UpstreamConfig } from '@auth/config';
import { isLoopbackHost } from '@auth/protocol';
import { createUpstreamClient, type UpstreamClient, type UpstreamRuntime } from '@auth/upstream';

/**
 * A refresh may take this many times the upstream's timeout (a request stops waiting at the timeout,
 * the refresh goes on and its late answer is stored: docs/architecture.md#refresh-on-read).
 */
const REFRESH_TIMEOUT_FACTOR = 3;
const MAX_REFRESH_TIMEOUT_MS = 10 * 60_000;

/** Every URL the client of `upstream` talks to. */
function upstreamUrls(upstream: UpstreamConfig): URL[] {
  const urls =
    upstream.type === 'oidc'
      ? [upstream.issuer]
      : [upstream.authorizationEndpoint, upstream.tokenEndpoint, upstream.userinfo.endpoint];
  return urls.map((value) => new URL(value));
}

/**
 * One client per configured upstream, in chain order: the app builds them once and hands the same
 * clients to the chain (legs) and to the identity middleware (refresh on read), so both share one
 * discovery cache and one policy. Each client waits its upstream's `timeout`, and a refresh may
 * take three times as long. Plain http is allowed only for an upstream whose every URL is
 * https or on loopback, never switched on for an https one. Throws `UpstreamOptionsError` (which
 * names the upstream) for an upstream that cannot work.
 */
export function createUpstreamClients(
  upstreams: readonly UpstreamConfig[],
  runtime: Omit<UpstreamRuntime, 'allowInsecureHttp' | 'refreshTimeoutMs'> = {},
): UpstreamClient[] {
  return upstreams.map((upstream) => {
    const urls = upstreamUrls(upstream);
    const allowInsecureHttp =
      urls.some((url) => url.protocol === 'http:') &&
      urls.every((url) => url.protocol === 'https:' || isLoopbackHost(url.hostname));
    const base = {
      name: upstream.name,
      clientId: upstream.clientId,
      scopes: upstream.scopes,
      ...(upstream.clientSecret === undefined ? {} : { clientSecret: upstream.clientSecret.reveal() }),
    };
    // The upstream's own timeout, unless the caller fixes one for all (tests).
    const timeoutMs = runtime.timeoutMs ?? upstream.timeout * 1000;
    return createUpstreamClient(
      upstream.type === 'oidc'
        ? { ...base, type: 'oidc', issuer: upstream.issuer }
        : {
            ...base,
            type: 'oauth2',
            authorizationEndpoint: upstream.authorizationEndpoint,
            tokenEndpoint: upstream.tokenEndpoint,
            userinfo: upstream.userinfo,
            reauthenticationPrompt: upstream.reauthenticationPrompt,
          },
      {
        ...runtime,
        timeoutMs,
        refreshTimeoutMs: Math.min(timeoutMs * REFRESH_TIMEOUT_FACTOR, MAX_REFRESH_TIMEOUT_MS),
        allowInsecureHttp,
      },
    );
  });
}
