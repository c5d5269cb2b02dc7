import { formatListenAddress, type ListenAddress, parseListenAddress } from '@auth/config';
import { isLoopbackHost } from '@auth/protocol';
import { StartupError } from './startup-error.js';

/** The environment variable naming the listen address (`HOST:PORT`), between `--listen` and `server.listen`. */
export const LISTEN_ENV = 'AUTH_SERVER_LISTEN';

/**
 * Where to listen when nothing says: the issuer's port (80 or 443 by default), on the issuer's own
 * address for a loopback IP issuer (`127.0.0.2`, `::1`), `127.0.0.1` for `localhost`, and `0.0.0.0`
 * for any other issuer (the usual plain-HTTP listener behind a TLS proxy). The issuer's host name
 * is never resolved.
 */
export function defaultListenAddress(issuer: URL): ListenAddress {
  const port = Number(issuer.port || (issuer.protocol === 'https:' ? 443 : 80));
  const hostname = issuer.hostname.replace(/^\[|\]$/g, '');
  if (!isLoopbackHost(issuer.hostname)) return { host: '0.0.0.0', port };
  return { host: hostname === 'localhost' ? '127.0.0.1' : hostname, port };
}

/** Sources of the listen address, strongest first. */
export interface ListenSources {
  /** `--listen HOST:PORT`. */
  flag?: string | undefined;
  /** `--port N`: the port, on the host the other sources give. */
  port?: number | undefined;
  /** {@link LISTEN_ENV}. */
  env?: string | undefined;
  /** `server.listen`. */
  config?: ListenAddress | undefined;
}

function parsed(value: string, source: string): ListenAddress {
  const address = parseListenAddress(value);
  if (address === undefined) {
    throw new StartupError(
      'config_invalid',
      `${source} must be HOST:PORT, e.g. 0.0.0.0:8080, 127.0.0.1:8080 or [::]:8080, not ${JSON.stringify(value)}`,
    );
  }
  return address;
}

/** The listen address: `--listen`, else `AUTH_SERVER_LISTEN`, else `server.listen`, else {@link defaultListenAddress}. */
export function resolveListenAddress(issuer: URL, sources: ListenSources): ListenAddress {
  const chosen =
    sources.flag !== undefined
      ? parsed(sources.flag, '--listen')
      : sources.env !== undefined && sources.env !== ''
        ? parsed(sources.env, LISTEN_ENV)
        : (sources.config ?? defaultListenAddress(issuer));
  if (sources.port === undefined) return chosen;
  if (!Number.isInteger(sources.port) || sources.port < 0 || sources.port > 65_535) {
    throw new StartupError(
      'config_invalid',
      `--port must be a port number (0 to 65535), not ${sources.port}`,
    );
  }
  return { host: chosen.host, port: sources.port };
}

/** `http://host:port`: the scheme the socket speaks (TLS, when there is any, ends at a proxy in front). */
export function listenUrl(address: ListenAddress): string {
  return `http://${formatListenAddress(address)}`;
}
