import { randomUUID } from 'node:crypto';
import { createIdentityMiddleware } from '@auth/identity';
import type { Storage } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { RequestHandler } from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const ISSUER = 'http://127.0.0.1:8080';
export const AUDIENCE = 'http://127.0.0.1:8080/mcp';
export const RESOURCE_METADATA = 'http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp';

/** A real identity middleware with a key of its own, and a way to mint its access tokens. */
export async function identityFixture(
  storage: Storage,
  refresh:
    | { upstreamClients: Record<string, UpstreamClient>; refreshProviders: string[] }
    | undefined = undefined,
): Promise<{
  identity: RequestHandler;
  mint(sessionId: string): Promise<string>;
}> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'test-key';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  const identity = createIdentityMiddleware({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [jwk] },
    storage,
    resourceMetadataUrl: RESOURCE_METADATA,
    ...refresh,
  });
  return {
    identity,
    mint: (sessionId) =>
      new SignJWT({ client_id: 'client-1', scope: 'openid', tsid: sessionId, jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .setIssuer(ISSUER)
        .setSubject('user-1')
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
  };
}
