import type { Request, Response } from 'express';
import { type CookieAttributes, readCookie, setCookie } from './cookies.js';
import { hmac, safeEqual } from './crypto.js';

const MAX_REMEMBERED_CLIENTS = 20;
const REMEMBER_SECONDS = 30 * 24 * 3600;
export const CONSENT_COOKIE = 'chain_consent';

interface ConsentPayload {
  c: string[];
  e: number;
}

/** The client ids this browser approved, from the signed consent cookie (SPEC §5.3). */
export function rememberedClients(req: Request, key: Uint8Array, now: number): string[] {
  const raw = readCookie(req, CONSENT_COOKIE);
  if (raw === undefined) return [];
  const [payload, mac, extra] = raw.split('.');
  if (payload === undefined || mac === undefined || extra !== undefined) return [];
  if (!safeEqual(mac, hmac(key, `consent.${payload}`))) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const value = parsed as Partial<ConsentPayload>;
    if (!Array.isArray(value.c) || typeof value.e !== 'number' || value.e * 1000 < now) return [];
    return value.c.filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
}

/** Adds a client to the signed consent cookie. */
export function rememberClient(
  req: Request,
  res: Response,
  clientId: string,
  key: Uint8Array,
  now: number,
  attributes: CookieAttributes,
): void {
  const clients = [clientId, ...rememberedClients(req, key, now).filter((id) => id !== clientId)].slice(
    0,
    MAX_REMEMBERED_CLIENTS,
  );
  const payload = Buffer.from(
    JSON.stringify({ c: clients, e: Math.floor(now / 1000) + REMEMBER_SECONDS } satisfies ConsentPayload),
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
