import { duration } from './primitives.js';
import { strictObject } from './strict-object.js';

/** How long users are kept (docs/architecture.md#record-lifetimes). */
export const usersSchema = strictObject({
  retention: duration(
    '1d',
    '3650d',
    '90d',
    'How long a user and its provider identities are kept after their last grant ended (1d to 3650d); a user whose first login never completed is forgotten with its chain.',
  ),
})
  .prefault({})
  .meta({ description: 'Users and their provider identities.' });

/** Refresh on read across replicas (docs/architecture.md#refresh-on-read). */
export const refreshSchema = strictObject({
  lock_lifetime: duration(
    '1s',
    '60s',
    '3s',
    'Lifetime of the lock one replica takes to refresh an upstream token (1s to 60s); renewed while the refresh runs, so a replica that dies holding it blocks that token for at most this long.',
  ),
  wait: duration(
    '1s',
    '60s',
    '5s',
    'How long a request waits for a refresh that another replica holds (1s to 60s) before it answers 503 with Retry-After; at least lock_lifetime lets it take over the lock of a replica that died.',
  ),
})
  .prefault({})
  .meta({ description: 'Refreshing upstream tokens on read.' });
