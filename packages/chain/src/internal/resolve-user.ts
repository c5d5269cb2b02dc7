import { randomUUID } from 'node:crypto';
import type { UpstreamIdentity } from '@auth/upstream';
import { OAuthError } from '../oauth-error.js';
import type { ServerContext } from './context.js';

/**
 * Identity across legs (docs/architecture.md#the-login-chain): the first leg resolves or creates the user from
 * `(provider, upstream subject)`; later legs link to that user, and an identity
 * already linked to another user fails with `access_denied`. What a leg creates lives until
 * `chainEnd` unless the chain completes (docs/architecture.md#record-lifetimes).
 */
export async function resolveUser(
  ctx: ServerContext,
  chainUserId: string | undefined,
  provider: string,
  identity: UpstreamIdentity,
  chainEnd: number,
): Promise<string> {
  const { storage } = ctx;
  const now = ctx.now();
  if (chainUserId === undefined) {
    // First leg: resolve or create the user from (provider, upstream subject).
    const existing = await storage.getUserIdByProviderIdentity(provider, identity.subject);
    if (existing !== undefined) return existing;
    const userId = randomUUID();
    await storage.saveUser(
      {
        id: userId,
        createdAt: now,
        updatedAt: now,
        ...(identity.name === undefined ? {} : { name: identity.name }),
        ...(identity.email === undefined ? {} : { email: identity.email }),
      },
      chainEnd,
    );
    const linked = await storage.linkProviderIdentity(provider, identity.subject, userId, chainEnd);
    return linked.status === 'conflict' ? linked.existingUserId : userId;
  }
  // Later legs link to the same user; an identity owned by another user fails the chain.
  const linked = await storage.linkProviderIdentity(provider, identity.subject, chainUserId, chainEnd);
  if (linked.status === 'conflict')
    throw new OAuthError('access_denied', 'this account is linked to another user', {
      detail: `identity at ${provider} belongs to another user`,
    });
  return chainUserId;
}
