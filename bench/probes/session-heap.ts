/**
 * Scenario 5's probe, run as `node --expose-gc --import tsx session-heap.ts <sessions>`: stores
 * that many complete two-upstream sessions in the memory backend (from its build) and prints
 * `session-heap result <json>` with the heap growth per session once everything is collected.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createMemoryStorage, type Storage } from '@auth/storage';

const sessions = Number(process.argv[2]);
const gc = globalThis.gc;
if (!Number.isInteger(sessions) || sessions < 1) throw new Error('usage: session-heap.ts <sessions>');
if (gc === undefined) throw new Error('run with --expose-gc');

const DAY = 86_400_000;
/** A fresh random token of `length` URL-safe characters (never shared between sessions). */
const token = (length: number) => randomBytes(length).toString('base64url').slice(0, length);

/**
 * What a completed login through two upstreams leaves in storage: a user linked to both
 * upstream identities, a grant with its refresh token, and each upstream's token set, sized
 * like real ones (an OIDC access token and ID token as JWTs, GitHub-shaped opaque tokens).
 * Returns the characters of token and id material handed to the storage.
 */
async function storeSession(storage: Storage, i: number): Promise<number> {
  const now = Date.now();
  const userId = randomUUID();
  const sessionId = randomUUID();
  const grantId = token(22);
  const refreshToken = `${grantId}.${token(43)}`;
  await storage.saveUser({
    id: userId,
    name: `User ${i}`,
    email: `user${i}@example.com`,
    createdAt: now,
    updatedAt: now,
  });
  await storage.linkProviderIdentity('corp', `corp-${i}`, userId);
  await storage.linkProviderIdentity('github', String(1_000_000 + i), userId);
  await storage.saveGrant(
    {
      grantId,
      clientId: 'bench',
      userId,
      sessionId,
      scope: ['openid', 'offline_access'],
      resource: ['https://gateway.example.com/mcp/corp'],
      authTime: now,
      createdAt: now,
      expiresAt: now + 7 * DAY,
    },
    refreshToken,
  );
  const corp = { accessToken: token(800), refreshToken: token(64), idToken: token(900) };
  const github = { accessToken: `gho_${token(36)}`, refreshToken: `ghr_${token(76)}` };
  const common = {
    tokenType: 'Bearer',
    expiresAt: now + 3_600_000,
    sessionExpiresAt: now + 7 * DAY,
    obtainedAt: now,
    userId,
    clientId: 'bench',
  };
  await storage.storeUpstreamTokens(sessionId, 'corp', {
    ...common,
    ...corp,
    scope: 'openid profile email',
    upstreamSubject: `corp-${i}`,
  });
  await storage.storeUpstreamTokens(sessionId, 'github', {
    ...common,
    ...github,
    scope: 'repo',
    upstreamSubject: String(1_000_000 + i),
  });
  return [userId, sessionId, refreshToken, ...Object.values(corp), ...Object.values(github)].join('').length;
}

const storage = createMemoryStorage({ warnOutsideTests: false });
gc();
gc();
const before = process.memoryUsage();
let payload = 0;
for (let i = 0; i < sessions; i += 1) payload += await storeSession(storage, i);
gc();
gc();
const after = process.memoryUsage();
// Still reachable here, so nothing measured above was collectable.
if ((await storage.getUser(randomUUID())) !== undefined) throw new Error('unexpected user');
const result = {
  sessions,
  heapBytesPerSession: (after.heapUsed - before.heapUsed) / sessions,
  externalBytesPerSession: (after.external - before.external) / sessions,
  payloadCharsPerSession: payload / sessions,
};
process.stdout.write(`session-heap result ${JSON.stringify(result)}\n`);
await storage.close();
