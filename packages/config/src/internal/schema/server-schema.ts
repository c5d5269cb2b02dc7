import proxyaddr from 'proxy-addr';
import * as z from 'zod';
import { listenAddressProblem } from '../../listen-address.js';
import { checkedString, duration, wholeNumber } from './primitives.js';
import { strictObject } from './strict-object.js';

const TRUST_SHAPE =
  "must be false, a hop count (1 to 100), or the proxies' addresses: IP addresses, CIDR ranges, loopback, linklocal or uniquelocal (a list, or one string separated by commas); true is not accepted";

/** The entries of a trust list that proxy-addr (express's `trust proxy`) refuses. */
function refusedAddresses(entries: readonly string[]): string[] {
  return entries.filter((entry) => {
    try {
      proxyaddr.compile(entry);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * `trust_proxy`, in the forms of express's `trust proxy` setting (proxy-addr), `true` excepted:
 * trusting every peer would let any client choose its own address (`0.0.0.0/0` and `::/0` say it
 * on purpose). Normalized to `false`, a hop
 * count, or a list of address entries.
 */
const trustProxy = z
  .union(
    [
      z.literal(false),
      z.int().min(1, { error: TRUST_SHAPE }).max(100, { error: TRUST_SHAPE }),
      z.string(),
      z.array(z.string()),
    ],
    { error: TRUST_SHAPE },
  )
  .transform((value, ctx): false | number | string[] => {
    if (typeof value !== 'string' && !Array.isArray(value)) return value;
    const entries = (typeof value === 'string' ? value.split(',') : value).map((entry) => entry.trim());
    const refused = refusedAddresses(entries);
    if (entries.length === 0 || refused.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          refused.length > 0
            ? `${refused.map((entry) => JSON.stringify(entry)).join(', ')}: not an IP address, a CIDR range, loopback, linklocal or uniquelocal`
            : 'must list at least one proxy address (or be false)',
      });
      return z.NEVER;
    }
    return entries;
  })
  .prefault(false)
  .meta({
    description:
      "Which peers are trusted proxies (express's `trust proxy`): false (default: X-Forwarded-* from clients are dropped), a hop count, or addresses / CIDR ranges / loopback, linklocal, uniquelocal. From a trusted peer, X-Forwarded-For is appended to and X-Forwarded-Proto/Host are believed.",
  });

/**
 * How the reference server accepts client connections: Node's HTTP server timeouts, a connection
 * cap, the shutdown grace period and which proxies in front of it are trusted.
 */
export const serverSchema = strictObject({
  listen: checkedString(listenAddressProblem).optional().meta({
    description:
      "HOST:PORT the server listens on, plain HTTP (e.g. 0.0.0.0:8080 or [::]:8080 behind a TLS proxy). Overridden by --listen and AUTH_SERVER_LISTEN. Default: the issuer's port (or 80/443) on 127.0.0.1 for a loopback issuer, on 0.0.0.0 otherwise.",
  }),
  startup_timeout: duration(
    '1s',
    '10m',
    '30s',
    'How long start-up may take (Redis reachable, upstream discovery, listening) before the process exits non-zero (1s to 10m).',
  ),
  headers_timeout: duration(
    '1s',
    '10m',
    '30s',
    "How long a client may take to send a request's headers (1s to 10m); then 408 and the connection closes.",
  ),
  request_timeout: duration(
    '1s',
    '1h',
    '60s',
    'How long a client may take to send a whole request, body included (1s to 1h). Responses are not bounded: server-sent event streams stay open.',
  ),
  keep_alive_timeout: duration(
    '1s',
    '10m',
    '5s',
    'How long an idle kept-alive client connection stays open (1s to 10m); behind a load balancer, longer than its idle timeout.',
  ),
  max_connections: wholeNumber(
    1,
    1_000_000,
    4096,
    'Client connections open at once; a connection beyond it is closed as soon as it is accepted. Keep it below the open-file limit.',
  ),
  shutdown_grace: duration(
    '1s',
    '10m',
    '10s',
    'After SIGTERM, how long requests in flight may take to finish (1s to 10m); then connections and backend requests are cut.',
  ),
  trust_proxy: trustProxy,
})
  .prefault({})
  .meta({
    description: 'Client connections of the reference server: timeouts, a cap, shutdown, trusted proxies.',
  });
