import type { OAuthClient } from '@auth/storage';
import type { Request } from 'express';
import { consentSubject, hasApproved } from './consent-cookie.js';
import type { ServerContext } from './context.js';
import { isLoopbackUrl } from './redirect-uri.js';

/**
 * Whether an answer given before the user approved this request (an error found at
 * `/oauth/authorize`, or "Deny" on the consent page) may go to the redirect URI. RFC 9700
 * §4.11.2: a server that has not verified a redirect URI shows an error page instead of
 * redirecting, or anyone registering a client turns it into an open redirector. Verified here
 * means: a loopback `http` URI (RFC 8252 §7.3, it never leaves the machine), a `trusted` static
 * client, or a client this browser approved before (for a public client, at this exact redirect
 * URI; docs/architecture.md#consent).
 */
export function mayRedirectBeforeConsent(
  req: Request,
  ctx: Pick<ServerContext, 'cookieSecret' | 'now'>,
  client: Pick<OAuthClient, 'clientId' | 'tokenEndpointAuthMethod' | 'trusted'>,
  redirectUri: string,
): boolean {
  const url = new URL(redirectUri);
  if (url.protocol === 'http:' && isLoopbackUrl(url)) return true;
  if (client.trusted === true) return true;
  return hasApproved(req, ctx.cookieSecret, ctx.now(), consentSubject(client, redirectUri));
}
