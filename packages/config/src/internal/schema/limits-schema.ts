import { duration, wholeNumber } from './primitives.js';
import { strictObject } from './strict-object.js';

/** One counted limit: at most `requests` per `window` for one client address. */
function perAddressLimit(what: string, requests: number, window: string) {
  return strictObject({
    requests: wholeNumber(1, 1_000_000, requests, `${what} one client address may send per window.`),
    window: duration('1s', '1d', window, 'The window the requests are counted in (1s to 1d).'),
  })
    .prefault({})
    .meta({ description: `${what} per client address; past it 429 with Retry-After.` });
}

/**
 * The abuse limits (docs/architecture.md#abuse-limits): counted in the configured storage, so
 * replicas share them. The defaults let one address (a NAT, a load test from one host) run
 * hundreds of logins a minute; a limit refuses with 429, `Retry-After` and the limit's name.
 */
export const limitsSchema = strictObject({
  authorize: perAddressLimit('Authorization requests (GET /oauth/authorize)', 1000, '1m'),
  register: perAddressLimit('Dynamic client registrations (POST /oauth/register)', 300, '10m'),
  client_auth_failures: strictObject({
    per_address: wholeNumber(
      1,
      1_000_000,
      100,
      'Failed client authentications one client address may make per window (any client_id).',
    ),
    per_client: wholeNumber(
      1,
      1_000_000,
      20,
      'Failed authentications of one confidential client_id per window; then that client is refused until the window ends.',
    ),
    window: duration('1s', '1d', '10m', 'The window failures are counted in (1s to 1d).'),
  })
    .prefault({})
    .meta({
      description:
        'Failed client authentication at the token, revocation and introspection endpoints; past either count 429 with Retry-After, the secret is not checked.',
    }),
  registration_metadata: strictObject({
    max_redirect_uris: wholeNumber(1, 100, 10, 'Most redirect_uris one registration may list.'),
    max_body_bytes: wholeNumber(
      1024,
      1_048_576,
      16_384,
      'Largest registration request body, in bytes (then 413).',
    ),
  })
    .prefault({})
    .meta({ description: 'Bounds of one dynamic registration (RFC 7591).' }),
})
  .prefault({})
  .meta({
    description:
      'Abuse limits: request rates per client address, failed client authentication, registration sizes.',
  });
