import { CorruptRecordError } from '../../errors.js';
import type { UpstreamTokens } from '../../ports/upstream-token-store.js';
import type { RecordCodec } from '../record-codec.js';

const ENVELOPE = /^([tp])1:([^:]*):([^:]*):/;

/**
 * How one provider's token set is stored on Redis: `t1:<expiresAt>:<sessionExpiresAt>:<record>`, or
 * `p1:…` for a provisional entry (its chain has not completed: evicted at `sessionExpiresAt`).
 * The two times (decimal, empty when absent) stand in clear before the record so that one Lua
 * script can set a session's end and recompute every entry's TTL without the encryption key; in
 * clear they decide only eviction, as the key's TTL does anyway. The record (encrypted when a key
 * is set, bound to `(session, provider)`) holds every other field, `expiresAt` included, so the
 * access token's expiry read back is the authenticated one. The format is parsed in Lua by
 * `SET_SESSION_EXPIRY` (`redis-upstream-token-store.ts`).
 */
export function encodeUpstreamTokens(codec: RecordCodec, tokens: UpstreamTokens, aad: string): string {
  const { sessionExpiresAt, provisional, ...record } = tokens;
  const time = (value: number | undefined): string => (value === undefined ? '' : String(value));
  const tag = provisional === true ? 'p1' : 't1';
  return `${tag}:${time(tokens.expiresAt)}:${time(sessionExpiresAt)}:${codec.encode(record, aad)}`;
}

/** Reads a stored token set back; a value written before the envelope existed is a bare record. */
export function decodeUpstreamTokens(codec: RecordCodec, stored: string, aad: string): UpstreamTokens {
  const envelope = ENVELOPE.exec(stored);
  if (envelope === null) return codec.decode<UpstreamTokens>(stored, aad);
  const tokens = codec.decode<UpstreamTokens>(stored.slice(envelope[0].length), aad);
  const sessionEnd = envelope[3] as string;
  if (sessionEnd === '') return tokens;
  const sessionExpiresAt = Number(sessionEnd);
  if (!Number.isFinite(sessionExpiresAt)) {
    throw new CorruptRecordError('a stored upstream session end is not a number');
  }
  return envelope[1] === 'p'
    ? { ...tokens, sessionExpiresAt, provisional: true }
    : { ...tokens, sessionExpiresAt };
}
