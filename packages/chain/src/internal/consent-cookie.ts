import type { Request, Response } from 'express';
import { type CookieAttributes, readCookie, setCookie } from './cookies.js';
import { hmac, safeEqual } from './crypto.js';

const MAX_REMEMBERED_CLIENTS = 20;
const REMEMBER_SECONDS = 30 * 24 * 3600;
export const CONSENT_COOKIE = 'chain_consent';

/**
 * One approval: the client, the scopes approved and, for a public client, the exact redirect URI
 * (port included) the approval was given for.
 */
type Approval = [clientId: string, scopes: string[], redirectUri?: string];

/** The approvals of this browser; `e` is the expiry (epoch seconds). */
interface ConsentPayload {
  c: Approval[];
  e: number;
}

/**
 * Who an approval is for. A public client cannot prove who it is, and a loopback redirect URI
 * matches on any port (RFC 8252 §7.3), so another program on the same machine could use the
 * client's id: a public client's approval holds only for the exact redirect URI it was given
 * for (RFC 8252 §8.6). A confidential client's approval holds for the client.
 */
export interface ConsentSubject {
  clientId: string;
  /** Set for public clients: the exact redirect URI of the request. */
  redirectUri?: string;
}

function isApproval(value: unknown): value is Approval {
  return (
    Array.isArray(value) &&
    (value.length === 2 || (value.length === 3 && typeof value[2] === 'string')) &&
    typeof value[0] === 'string' &&
    Array.isArray(value[1]) &&
    value[1].every((scope) => typeof scope === 'string')
  );
}

function approves(approval: Approval, subject: ConsentSubject): boolean {
  return approval[0] === subject.clientId && approval[2] === subject.redirectUri;
}

/** Each client this browser approved, with the scopes it approved, from the signed consent cookie (docs/architecture.md#consent). */
function approvals(req: Request, key: Uint8Array, now: number): Approval[] {
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
  subject: ConsentSubject,
  scopes: readonly string[],
): boolean {
  const approved = approvals(req, key, now).find((approval) => approves(approval, subject))?.[1];
  return approved !== undefined && scopes.every((scope) => approved.includes(scope));
}

/** Whether this browser approved the client (for a public client: at this exact redirect URI) for any scopes. */
export function hasApproved(req: Request, key: Uint8Array, now: number, subject: ConsentSubject): boolean {
  return approvals(req, key, now).some((approval) => approves(approval, subject));
}

/** Adds an approval (the subject and the scopes shown) to the signed consent cookie. */
export function rememberClient(
  req: Request,
  res: Response,
  subject: ConsentSubject,
  scopes: readonly string[],
  key: Uint8Array,
  now: number,
  attributes: CookieAttributes,
): void {
  const previous = approvals(req, key, now);
  const earlier = previous.find((entry) => approves(entry, subject))?.[1] ?? [];
  const merged = [...new Set([...earlier, ...scopes])];
  const approval: Approval =
    subject.redirectUri === undefined
      ? [subject.clientId, merged]
      : [subject.clientId, merged, subject.redirectUri];
  const entries = [approval, ...previous.filter((entry) => !approves(entry, subject))].slice(
    0,
    MAX_REMEMBERED_CLIENTS,
  );
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

/** The subject a request's approval is remembered for (see {@link ConsentSubject}). */
export function consentSubject(
  client: { clientId: string; tokenEndpointAuthMethod: string },
  redirectUri: string,
): ConsentSubject {
  return client.tokenEndpointAuthMethod === 'none'
    ? { clientId: client.clientId, redirectUri }
    : { clientId: client.clientId };
}
