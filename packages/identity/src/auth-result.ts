import type { IdentityError } from './errors.js';
import type { Identity } from './identity.js';

/** The HTTP answer for a rejected request, ready to send (RFC 6750 §3, RFC 9728 §5.1). */
export interface AuthRejection {
  status: 400 | 401 | 503;
  /** `WWW-Authenticate` for 400/401, `Retry-After` for 503, `Cache-Control: no-store` always. */
  headers: Record<string, string>;
  /** JSON body: `{ error, error_description }`. */
  body: { error: string; error_description: string };
  /** The typed reason, for logs and callers. */
  reason: IdentityError;
}

/** Result of `Authenticator.authenticate`: never throws for a bad request or an outage. */
export type AuthResult = { ok: true; identity: Identity } | { ok: false; rejection: AuthRejection };
