import { createHash } from 'node:crypto';

/** The user an IdP knows for a username: any username is accepted and is the subject. */
export interface UserProfile {
  /** `sub` (oidc) and `login` (oauth2). */
  username: string;
  /** GitHub-style numeric id, stable per username. */
  id: number;
  name: string;
  email: string;
}

export function userProfile(username: string): UserProfile {
  const digest = createHash('sha256').update(username).digest();
  const id = (digest.readUInt32BE(0) & 0x7fffffff) + 1;
  const email = username.includes('@')
    ? username
    : `${username.replace(/[^A-Za-z0-9._+-]/g, '_')}@example.com`;
  const local = username.split('@')[0] ?? username;
  const name = local.charAt(0).toUpperCase() + local.slice(1);
  return { username, id, name, email };
}

/** Usernames: 1–100 printable characters, no control characters, trimmed. */
export function normalizeUsername(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const trimmed = input.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (trimmed.length === 0 || trimmed.length > 100 || /[\u0000-\u001f\u007f]/.test(trimmed)) return undefined;
  return trimmed;
}
