import type { Request, Response } from 'express';
import { type CookieAttributes, readCookie, setCookie } from './cookies.js';
import { hmac, safeEqual } from './crypto.js';

const MAX_REMEMBERED_CLIENTS = 20;
const REMEMBER_SECONDS = 30 * 24 * 3600;
export const CONSENT_COOKIE = 'chain_consent';

/** Per client, the scopes this browser approved; `e` is the expiry (epoch seconds). */
interface ConsentPayload {
  c: Array<[clientId: string, scopes: string[]]>;
  e: number;
}

function isApproval(value: unknown): value is [string, string[]] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    Array.isArray(value[1]) &&
    value[1].every((scope) => typeof scope === 'string')
  );
}

/** Each client this browser approved, with the scopes it approved, from the signed consent cookie (docs/architecture.md#consent). */
function approvals(req: Request, key: Uint8Array, now: number): Array<[string, string[]]> {
  const raw = readCookie(req, CONSENT_COOKIE);
  if (raw === undefined) return [];
  const [payload, mac, extra] = raw.split('.');
  if (payload === undefined || mac === undefined || extra !== undefined) return [];
  if (!safeEqual(mac, hmac(key, `consent.${payload}`))) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const value = parsed as Partial<ConsentPayload>;
    if (!Array.isArray(value.c) || typeof value.e !== 'number' || value.e * 1000 < now) return [];
    // Entries of another shape (e.g. a bare client id, which named no scopes) approve nothing.
    return value.c.filter(isApproval);
  } catch {
    return [];
  }
}

/**
 * Whether this browser already approved `scopes` for the client. An approval covers only the
 * scopes the consent page showed, so a wider request (e.g. adding `offline_access`) asks again.
 */
export function isConsentRemembered(
  req: Request,
  key: Uint8Array,
  now: number,
  clientId: string,
  scopes: readonly string[],
): boolean {
  const approved = approvals(req, key, now).find(([id]) => id === clientId)?.[1];
  return approved !== undefined && scopes.every((scope) => approved.includes(scope));
}

/** Adds an approval (the client and the scopes shown) to the signed consent cookie. */
export function rememberClient(
  req: Request,
  res: Response,
  clientId: string,
  scopes: readonly string[],
  key: Uint8Array,
  now: number,
  attributes: CookieAttributes,
): void {
  const previous = approvals(req, key, now);
  const earlier = previous.find(([id]) => id === clientId)?.[1] ?? [];
  const approval: [string, string[]] = [clientId, [...new Set([...earlier, ...scopes])]];
  const entries = [approval, ...previous.filter(([id]) => id !== clientId)].slice(0, MAX_REMEMBERED_CLIENTS);
  const payload = Buffer.from(
    JSON.stringify({ c: entries, e: Math.floor(now / 1000) + REMEMBER_SECONDS } satisfies ConsentPayload),
  ).toString('base64url');
  setCookie(
    res,
    CONSENT_COOKIE,
    `${payload}.${hmac(key, `consent.${payload}`)}`,
    REMEMBER_SECONDS,
    attributes,
  );
}

/** The per-interaction cookie binding a consent form to the browser that saw it. */
export function csrfCookieName(interactionId: string): string {
  return `chain_csrf_${interactionId.slice(0, 16)}`;
}
