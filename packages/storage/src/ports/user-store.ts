/** A gateway user (internal id), linked to one identity per upstream provider. */
export interface User {
  id: string;
  name?: string;
  email?: string;
  createdAt: number;
  updatedAt: number;
}

/** Result of linking a provider identity to a user. */
export type LinkProviderIdentityResult =
  | { status: 'linked' }
  /** The provider identity already belongs to this user. */
  | { status: 'already-linked' }
  /** The provider identity belongs to another user; nothing was changed. */
  | { status: 'conflict'; existingUserId: string };

/** One provider identity: who the user is at one upstream. */
export interface ProviderIdentity {
  providerName: string;
  upstreamSubject: string;
}

/**
 * Users and the `(provider, upstream subject) → user id` map. Records may carry an expiry
 * (docs/architecture.md#record-lifetimes): a user and the identities a chain created live only as
 * long as that chain unless `retainUser` keeps them for a grant.
 */
export interface UserStore {
  /**
   * Creates or replaces a user. With `expiresAt` (epoch ms) the user is forgotten then, unless
   * `retainUser` keeps it longer; without, it has no expiry.
   */
  saveUser(user: User, expiresAt?: number): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;
  getUserIdByProviderIdentity(providerName: string, upstreamSubject: string): Promise<string | undefined>;
  /**
   * Atomic set-if-absent of `(provider, subject) → userId`. A new link expires at `expiresAt` when
   * given (unless `retainUser` keeps it); an existing link is left as it is, expiry included.
   */
  linkProviderIdentity(
    providerName: string,
    upstreamSubject: string,
    userId: string,
    expiresAt?: number,
  ): Promise<LinkProviderIdentityResult>;
  /**
   * Keeps the user and those of `identities` that are linked to it until at least `until` (epoch
   * ms): an expiry earlier than `until` (or none at all) becomes `until`, a later one stays. Records
   * already gone stay gone. Not atomic across records (each one is updated atomically): on Redis they
   * live in different cluster slots.
   */
  retainUser(userId: string, until: number, identities: readonly ProviderIdentity[]): Promise<void>;
}
