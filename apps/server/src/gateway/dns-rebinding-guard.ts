import { isLoopbackHost } from '@auth/protocol';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** What a route accepts besides the issuer's own host and origin (config `allowed_hosts`, `allowed_origins`). */
export interface RequestOriginPolicy {
  issuer: string;
  /** `host` or `host:port`. */
  allowedHosts: readonly string[];
  /** Serialized origins (`https://app.example.com`). */
  allowedOrigins: readonly string[];
}

// RFC 9110 §7.2: Host = uri-host [ ":" port ]; anything else (a path, userinfo, spaces) never matches.
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/** `Host` as the URL parser spells it for the issuer's scheme: lower case, default port dropped. */
function parseHost(value: string, protocol: string): URL | undefined {
  if (!HOST_HEADER.test(value)) return undefined;
  try {
    return new URL(`${protocol}//${value}`);
  } catch {
    return undefined;
  }
}

function refuse(res: Response, description: string): void {
  res
    .status(403)
    .set('cache-control', 'no-store')
    .json({ error: 'forbidden', error_description: description });
}

/**
 * DNS-rebinding protection of the MCP routes (the MCP Streamable HTTP transport's rule): 403 with
 * a JSON error for a request whose `Host` is not the issuer's host or an allowed one, or whose
 * `Origin`, when present, is not the issuer's origin or an allowed one. The check reads the
 * request's own `Host` (the proxy rewrites it for the backend, whose own check then cannot see
 * it). With a loopback issuer, every loopback name on any port is the issuer's host too
 * (`localhost` and `127.0.0.1` alike): a rebinding page's requests carry the attacker's name.
 */
export function dnsRebindingGuard(policy: RequestOriginPolicy, logger: Logger): RequestHandler {
  const issuer = new URL(policy.issuer);
  const hosts = new Set([issuer.host]);
  for (const entry of policy.allowedHosts) {
    const parsed = parseHost(entry, issuer.protocol);
    if (parsed !== undefined) hosts.add(parsed.host);
  }
  const origins = new Set([issuer.origin, ...policy.allowedOrigins.map((origin) => new URL(origin).origin)]);
  const loopbackIssuer = isLoopbackHost(issuer.hostname);
  const hostAllowed = (value: string | undefined): boolean => {
    const parsed = value === undefined ? undefined : parseHost(value, issuer.protocol);
    if (parsed === undefined) return false;
    if (hosts.has(parsed.host)) return true;
    // A loopback name is never a rebinding attacker's name, whatever the port (`--port` may differ).
    return loopbackIssuer && isLoopbackHost(parsed.hostname);
  };
  const originAllowed = (value: string): boolean => {
    if (!URL.canParse(value)) return false;
    return origins.has(new URL(value).origin);
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hostAllowed(req.headers.host)) {
      logger.info(
        { event: 'route.refused', reason: 'host not allowed' },
        'DNS-rebinding check refused a request',
      );
      refuse(res, 'The request Host is not allowed.');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) {
      logger.info(
        { event: 'route.refused', reason: 'origin not allowed' },
        'DNS-rebinding check refused a request',
      );
      refuse(res, 'The request Origin is not allowed.');
      return;
    }
    next();
  };
}
