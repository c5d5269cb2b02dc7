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

/** Users and the `(provider, upstream subject) → user id` map. */
export interface UserStore {
  saveUser(user: User): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;
  getUserIdByProviderIdentity(providerName: string, upstreamSubject: string): Promise<string | undefined>;
  /** Atomic set-if-absent of `(provider, subject) → userId`. */
  linkProviderIdentity(
    providerName: string,
    upstreamSubject: string,
    userId: string,
  ): Promise<LinkProviderIdentityResult>;
}
