import type { Request, Response } from 'express';

/** Reads one cookie from the raw header, independently of any cookie middleware. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 16_384) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export interface CookieAttributes {
  path: string;
  secure: boolean;
}

export function setCookie(
  res: Response,
  name: string,
  value: string,
  maxAgeSeconds: number,
  attributes: CookieAttributes,
): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: attributes.secure,
    path: attributes.path,
    maxAge: maxAgeSeconds * 1000,
    encode: (v: string) => v,
  });
}

export function clearCookie(res: Response, name: string, attributes: CookieAttributes): void {
  res.clearCookie(name, {
    httpOnly: true,
    sameSite: 'lax',
    secure: attributes.secure,
    path: attributes.path,
  });
}
