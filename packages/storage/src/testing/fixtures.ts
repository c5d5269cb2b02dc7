import { randomUUID } from 'node:crypto';
import type { AuthorizationCodeRecord } from '../ports/authorization-code-store.js';
import type { OAuthClient } from '../ports/client-store.js';
import type { Grant } from '../ports/grant-store.js';
import type {
  ClientAuthorizationRequest,
  PendingConsent,
  PendingLeg,
} from '../ports/pending-authorization-store.js';
import type { UpstreamTokens } from '../ports/upstream-token-store.js';

/** A random value that looks like an opaque token, unique per call. */
export const randomToken = (label = 'tok'): string => `${label}-${randomUUID()}-${randomUUID()}`;

/** A well-formed refresh token of a grant: `<grantId>.<secret>` (see `GrantStore`), unique per call. */
export const refreshTokenFixture = (grantId: string): string => `${grantId}.${randomToken('rt')}`;

/** Test data builders shared by the contract suite and backend tests. */
export function upstreamTokensFixture(overrides: Partial<UpstreamTokens> = {}): UpstreamTokens {
  return {
    accessToken: randomToken('at'),
    tokenType: 'Bearer',
    refreshToken: randomToken('rt'),
    idToken: randomToken('idt'),
    expiresAt: Date.now() + 3_600_000,
    scope: 'openid profile',
    userId: 'user-1',
    upstreamSubject: 'subject-1',
    clientId: 'client-1',
    ...overrides,
  };
}

const clientRequestFixture = (): ClientAuthorizationRequest => ({
  clientId: 'client-1',
  redirectUri: 'http://127.0.0.1:8090/callback',
  scope: ['openid'],
  state: 'client-state',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  codeChallengeMethod: 'S256',
  resource: [],
});

/** A pending upstream leg (`kind: 'leg'`). */
export function pendingFixture(overrides: Partial<PendingLeg> = {}): PendingLeg {
  const now = Date.now();
  return {
    id: randomToken('state'),
    kind: 'leg',
    sessionId: randomUUID(),
    providerName: 'corp',
    codeVerifier: randomToken('verifier'),
    nonce: randomToken('nonce'),
    request: clientRequestFixture(),
    skippedProviders: [],
    createdAt: now,
    expiresAt: now + 600_000,
    ...overrides,
  };
}

/** A pending consent page (`kind: 'consent'`). */
export function pendingConsentFixture(overrides: Partial<PendingConsent> = {}): PendingConsent {
  const now = Date.now();
  return {
    id: randomToken('interaction'),
    kind: 'consent',
    csrfToken: randomToken('csrf'),
    request: clientRequestFixture(),
    createdAt: now,
    expiresAt: now + 600_000,
    ...overrides,
  };
}

export function codeRecordFixture(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  const now = Date.now();
  return {
    clientId: 'client-1',
    redirectUri: 'http://127.0.0.1:8090/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    scope: ['openid'],
    resource: ['http://127.0.0.1:8080/mcp/corp'],
    userId: 'user-1',
    sessionId: randomUUID(),
    grantId: randomUUID(),
    authTime: now,
    expiresAt: now + 60_000,
    ...overrides,
  };
}

export function grantFixture(overrides: Partial<Grant> = {}): Grant {
  const now = Date.now();
  return {
    grantId: randomUUID(),
    clientId: 'client-1',
    userId: 'user-1',
    sessionId: randomUUID(),
    scope: ['openid', 'offline_access'],
    resource: [],
    authTime: now,
    createdAt: now,
    expiresAt: now + 7 * 24 * 3_600_000,
    ...overrides,
  };
}

export function clientFixture(overrides: Partial<OAuthClient> = {}): OAuthClient {
  return {
    clientId: randomUUID(),
    redirectUris: ['http://127.0.0.1:8090/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    clientName: 'Test client',
    createdAt: Date.now(),
    ...overrides,
  };
}
