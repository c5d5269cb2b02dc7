import {
  ACCESS_TOKEN_REQUIRED_CLAIMS,
  type AccessTokenClaims,
  invalidAccessTokenClaim,
} from '@auth/protocol';
import { errors, jwtVerify } from 'jose';
import { IdentityError } from '../errors.js';
import type { JwksSource } from '../jwks-source.js';
import { type VerifiedToken, VerifiedTokenCache } from './verified-token-cache.js';

/** The AS signs with ES256, RS256 or EdDSA (docs/architecture.md#tokens). `none` and HS* are never accepted. */
const ALGORITHMS = ['ES256', 'RS256', 'EdDSA'];
// RFC 9068 §2.2 plus the gateway's session id (jose takes a mutable array).
const REQUIRED_CLAIMS = [...ACCESS_TOKEN_REQUIRED_CLAIMS];

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  jwks: JwksSource;
  clockToleranceSeconds: number;
  cacheSize: number;
  now: () => number;
}

/** Verifies an RFC 9068 access token, answering repeated tokens from a bounded cache. */
export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

function mapJoseError(error: unknown): IdentityError {
  if (error instanceof IdentityError) return error;
  if (error instanceof errors.JWTExpired) {
    return new IdentityError('ERR_IDENTITY_TOKEN_EXPIRED', 'The access token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return new IdentityError('ERR_IDENTITY_TOKEN_CLAIMS', `The access token has no ${error.claim} claim`);
    }
    switch (error.claim) {
      case 'typ':
        return new IdentityError('ERR_IDENTITY_TOKEN_TYPE', 'The access token type is not at+jwt');
      case 'iss':
        return new IdentityError('ERR_IDENTITY_TOKEN_ISSUER', 'The access token issuer is not trusted');
      case 'aud':
        return new IdentityError(
          'ERR_IDENTITY_TOKEN_AUDIENCE',
          'The access token is not intended for this resource',
        );
      case 'nbf':
      case 'iat':
        return new IdentityError('ERR_IDENTITY_TOKEN_NOT_YET_VALID', 'The access token is not yet valid');
      default:
        return new IdentityError(
          'ERR_IDENTITY_TOKEN_CLAIMS',
          `The access token ${error.claim} claim is invalid`,
        );
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new IdentityError(
      'ERR_IDENTITY_TOKEN_ALGORITHM',
      'The access token signing algorithm is not accepted',
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new IdentityError('ERR_IDENTITY_TOKEN_SIGNATURE', 'The access token signature is invalid');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new IdentityError('ERR_IDENTITY_TOKEN_UNKNOWN_KEY', 'The access token signing key is unknown');
  }
  return new IdentityError('ERR_IDENTITY_TOKEN_MALFORMED', 'The access token is malformed', {
    detail: error instanceof Error ? `${error.name}: ${error.message}` : 'verification failed',
    cause: error,
  });
}

function checkClaimTypes(payload: Record<string, unknown>): void {
  const claim = invalidAccessTokenClaim(payload);
  if (claim !== undefined) {
    throw new IdentityError('ERR_IDENTITY_TOKEN_CLAIMS', `The access token ${claim} claim is invalid`);
  }
}

/** RFC 9068 §4: validate signature, `typ`, `iss`, `aud` and `exp` (with leeway). */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const cache = new VerifiedTokenCache(options.cacheSize);
  const toleranceMs = options.clockToleranceSeconds * 1000;

  return async (token) => {
    const cached = cache.get(token);
    if (cached !== undefined) {
      if (options.now() >= cached.expiresAtMs + toleranceMs) {
        cache.delete(token);
        throw new IdentityError('ERR_IDENTITY_TOKEN_EXPIRED', 'The access token has expired');
      }
      if (options.jwks.hasKey(cached.kid)) return cached;
      // The signing key left the JWKS: forget the entry and verify again (which rejects it).
      cache.delete(token);
    }

    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(token, options.jwks.getKey, {
        algorithms: ALGORITHMS,
        issuer: options.issuer,
        audience: options.audience,
        // RFC 9068 §4: typ is at+jwt; jose compares case-insensitively and accepts application/at+jwt.
        typ: 'at+jwt',
        clockTolerance: options.clockToleranceSeconds,
        currentDate: new Date(options.now()),
        requiredClaims: REQUIRED_CLAIMS,
      });
    } catch (error) {
      throw mapJoseError(error);
    }
    const payload = verified.payload as Record<string, unknown>;
    checkClaimTypes(payload);
    const copy = { ...payload };
    if (Array.isArray(copy['aud'])) copy['aud'] = Object.freeze([...copy['aud']]);
    const claims = Object.freeze(copy) as Readonly<AccessTokenClaims>;
    const entry: VerifiedToken = {
      claims,
      scopes: Object.freeze((claims.scope ?? '').split(' ').filter((s) => s !== '')),
      kid: verified.protectedHeader.kid ?? '',
      expiresAtMs: claims.exp * 1000,
    };
    if (verified.protectedHeader.kid !== undefined) cache.set(token, entry);
    return entry;
  };
}
