import { duration } from './primitives.js';
import { strictObject } from './strict-object.js';

export const tokenLifetimesSchema = strictObject({
  access_token: duration('1m', '24h', '1h', 'Lifetime of the gateway access tokens (1m to 24h).'),
  refresh_token: duration('1h', '90d', '7d', 'Lifetime of refresh tokens and their grant (1h to 90d).'),
  authorization_code: duration('10s', '10m', '60s', 'Lifetime of authorization codes (10s to 10m).'),
})
  .prefault({})
  .meta({ description: 'Token lifetimes: 90s, 10m, 1h, 7d, or a number of seconds.' });
