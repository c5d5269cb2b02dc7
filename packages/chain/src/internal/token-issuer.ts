import {
  ACCESS_TOKEN_REQUIRED_CLAIMS,
  type AccessTokenClaims,
  invalidAccessTokenClaim,
} from '@auth/protocol';
import type { User } from '@auth/storage';
import { decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { SigningAlgorithm } from '../authorization-server-options.js';
import { OAuthError } from '../oauth-error.js';
import { randomToken } from './crypto.js';
import type { SigningKeys } from './signing-keys.js';

// RFC 9068 §2.2 plus `tsid`: the list @auth/identity verifies against too (jose takes a mutable array).
const REQUIRED_CLAIMS = [...ACCESS_TOKEN_REQUIRED_CLAIMS];

export interface AccessTokenInput {
  userId: string;
  clientId: string;
  scope: readonly string[];
  /** Bound resources; empty = every configured resource. */
  resource: readonly string[];
  sessionId: string;
  authTime?: number;
}

export interface IdTokenInput {
  user: User | undefined;
  userId: string;
  clientId: string;
  scope: readonly string[];
  nonce?: string;
  authTime?: number;
  /** The client's `id_token_signed_response_alg` (OIDC Registration §2); default the signing key's. */
  alg?: SigningAlgorithm;
}

export interface TokenIssuerOptions {
  issuer: string;
  keys: SigningKeys;
  now: () => number;
  accessTokenLifetime: number;
  /** Every configured resource (the audiences when a client bound none). */
  resources: readonly string[];
}

/** Signs access tokens (RFC 9068) and ID tokens (OIDC Core §2), and verifies access tokens it issued. */
export interface TokenIssuer {
  issueAccessToken(
    input: AccessTokenInput,
  ): Promise<{ token: string; expiresIn: number; claims: AccessTokenClaims }>;
  issueIdToken(input: IdTokenInput): Promise<string>;
  /** Verifies signature, `typ: at+jwt`, `iss` and `exp`; rejects with `OAuthError('invalid_token')`. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
}

export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { issuer, keys, now } = options;
  const seconds = () => Math.floor(now() / 1000);
  // RFC 9068 §4 / OIDC Core §5.3: userinfo accepts only tokens naming the AS, so the issuer joins
  // the audience when `openid` is granted (a token bound to one route by RFC 8707 `resource` too).
  const audienceFor = (resource: readonly string[], scope: readonly string[]): string | string[] => {
    const audience = new Set(resource.length > 0 ? resource : options.resources);
    if (scope.includes('openid') || audience.size === 0) audience.add(issuer);
    const list = [...audience];
    return list.length === 1 ? list[0]! : list;
  };

  return {
    async issueAccessToken(input) {
      const iat = seconds();
      const claims: AccessTokenClaims = {
        iss: issuer,
        sub: input.userId,
        aud: audienceFor(input.resource, input.scope),
        client_id: input.clientId,
        // RFC 9068 §2.2.3: no granted scope is no `scope` claim, never an empty string.
        ...(input.scope.length === 0 ? {} : { scope: input.scope.join(' ') }),
        iat,
        exp: iat + options.accessTokenLifetime,
        jti: randomToken(16),
        tsid: input.sessionId,
        ...(input.authTime === undefined ? {} : { auth_time: Math.floor(input.authTime / 1000) }),
      };
      // RFC 9068 §2.1: `typ: at+jwt`; `kid` names the key in the JWKS.
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: keys.signing.alg, typ: 'at+jwt', kid: keys.signing.kid })
        .sign(keys.signing.privateKey);
      return { token, expiresIn: options.accessTokenLifetime, claims };
    },

    async issueIdToken(input) {
      const iat = seconds();
      const claims: JWTPayload & Record<string, unknown> = {
        iss: issuer,
        sub: input.userId,
        aud: input.clientId,
        azp: input.clientId,
        iat,
        exp: iat + options.accessTokenLifetime,
      };
      if (input.authTime !== undefined) claims['auth_time'] = Math.floor(input.authTime / 1000);
      if (input.nonce !== undefined) claims['nonce'] = input.nonce;
      if (input.scope.includes('profile') && input.user?.name !== undefined) claims['name'] = input.user.name;
      if (input.scope.includes('email') && input.user?.email !== undefined)
        claims['email'] = input.user.email;
      const key = keys.idTokenKeys.get(input.alg ?? keys.signing.alg);
      if (key === undefined)
        throw new OAuthError('server_error', 'an unexpected error occurred', {
          detail: `no key signs ${input.alg} ID tokens`,
        });
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: key.kid })
        .sign(key.privateKey);
    },

    async verifyAccessToken(token) {
      const invalid = (detail: string, cause?: unknown) =>
        new OAuthError('invalid_token', 'the access token is invalid or expired', { detail, cause });
      if (token.length > 8192) throw invalid('token too long');
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch (cause) {
        throw invalid('not a JWT', cause);
      }
      const key = keys.all.find((candidate) => candidate.kid === kid);
      if (key === undefined) throw invalid('unknown kid');
      try {
        const { payload } = await jwtVerify(token, key.publicKey, {
          issuer,
          typ: 'at+jwt',
          algorithms: [key.alg],
          currentDate: new Date(now()),
          requiredClaims: REQUIRED_CLAIMS,
        });
        const wrong = invalidAccessTokenClaim(payload);
        if (wrong !== undefined) throw invalid(`${wrong} claim of the wrong type`);
        return payload as AccessTokenClaims;
      } catch (cause) {
        if (cause instanceof OAuthError) throw cause;
        throw invalid('verification failed', cause);
      }
    },
  };
}
