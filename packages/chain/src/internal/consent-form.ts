import type { ClientAuthorizationRequest } from '@auth/storage';
import { EncryptJWT, jwtDecrypt } from 'jose';

/**
 * What the consent page's form carries instead of a server-side record: nothing is stored for a
 * request that has not passed consent (docs/architecture.md#consent).
 */
export interface ConsentFormState {
  /** Names the browser-binding cookie and makes the answer single-use. */
  interactionId: string;
  /** Must match the form field and this browser's cookie. */
  csrfToken: string;
  request: ClientAuthorizationRequest;
  /** When the form stops being accepted (epoch ms). */
  expiresAt: number;
}

const TYPE = 'consent-form+jwt';

/**
 * Seals the pre-consent state into the form: a JWT encrypted and authenticated with the server's
 * key (RFC 7516 `dir` + A256GCM), with an expiry; unreadable and unforgeable by the browser.
 */
export async function sealConsentForm(key: Uint8Array, state: ConsentFormState): Promise<string> {
  return new EncryptJWT({ i: state.interactionId, c: state.csrfToken, r: state.request })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: TYPE })
    .setExpirationTime(Math.floor(state.expiresAt / 1000))
    .encrypt(key);
}

function isRequest(value: unknown): value is ClientAuthorizationRequest {
  if (value === null || typeof value !== 'object') return false;
  const request = value as Partial<ClientAuthorizationRequest>;
  return (
    typeof request.clientId === 'string' &&
    typeof request.redirectUri === 'string' &&
    Array.isArray(request.scope) &&
    Array.isArray(request.resource) &&
    typeof request.codeChallenge === 'string'
  );
}

/** The state of a sealed form, or `undefined` when it is not one of ours, altered, or expired at `now`. */
export async function openConsentForm(
  key: Uint8Array,
  sealed: string,
  now: number,
): Promise<ConsentFormState | undefined> {
  try {
    const { payload } = await jwtDecrypt(sealed, key, {
      currentDate: new Date(now),
      typ: TYPE,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      requiredClaims: ['exp'],
    });
    const { i, c, r, exp } = payload as { i?: unknown; c?: unknown; r?: unknown; exp?: number };
    if (typeof i !== 'string' || typeof c !== 'string' || !isRequest(r) || exp === undefined)
      return undefined;
    return { interactionId: i, csrfToken: c, request: r, expiresAt: exp * 1000 };
  } catch {
    return undefined;
  }
}
