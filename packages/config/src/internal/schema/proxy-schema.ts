import { duration, wholeNumber } from './primitives.js';
import { strictObject } from './strict-object.js';

/** How the reference server's reverse proxy talks to backends: one pool of kept-alive connections per backend origin. */
export const proxySchema = strictObject({
  connect_timeout: duration(
    '1s',
    '2m',
    '10s',
    'How long opening a connection to a backend may take (1s to 2m).',
  ),
  response_timeout: duration(
    '1s',
    '1h',
    '2m',
    'How long a backend may take to send its response headers (1s to 1h). Bodies, such as server-sent event streams, are not bounded.',
  ),
  idle_timeout: duration(
    '1s',
    '10m',
    '4s',
    'How long an idle kept-alive backend connection stays open (1s to 10m); a shorter keep-alive timeout announced by the backend wins.',
  ),
  max_connections: wholeNumber(
    1,
    10_000,
    128,
    'Connections open at most to one backend origin; requests beyond it wait in a queue.',
  ),
})
  .prefault({})
  .meta({ description: 'Connections from the reverse proxy to the backends.' });
