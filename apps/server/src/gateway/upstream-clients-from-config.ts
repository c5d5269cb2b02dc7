import type { UpstreamConfig } from '@auth/config';
import { isLoopbackHost } from '@auth/protocol';
import { createUpstreamClient, type UpstreamClient, type UpstreamRuntime } from '@auth/upstream';

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
 * discovery cache and one policy. Plain http is allowed only for an upstream whose every URL is
 * https or on loopback, never switched on for an https one. Throws `UpstreamOptionsError` (which
 * names the upstream) for an upstream that cannot work.
 */
export function createUpstreamClients(
  upstreams: readonly UpstreamConfig[],
  runtime: Omit<UpstreamRuntime, 'allowInsecureHttp'> = {},
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
      { ...runtime, allowInsecureHttp },
    );
  });
}
