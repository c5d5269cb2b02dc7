import type { Request } from 'express';
import { OAuthError } from '../oauth-error.js';

const DEFAULT_MAX_LENGTH = 4096;

/**
 * Strict access to request parameters (query or form body). RFC 6749 §3.1: a
 * parameter must not appear more than once, and an empty value counts as absent.
 */
export class Params {
  readonly #values: URLSearchParams;

  constructor(values: URLSearchParams) {
    this.#values = values;
  }

  /** A single value, or `undefined`; repeated or oversized values are `invalid_request`. */
  optional(name: string, maxLength = DEFAULT_MAX_LENGTH): string | undefined {
    const values = this.#values.getAll(name).filter((value) => value !== '');
    if (values.length === 0) return undefined;
    if (values.length > 1) throw new OAuthError('invalid_request', `${name} must not be repeated`);
    const value = values[0]!;
    if (value.length > maxLength) throw new OAuthError('invalid_request', `${name} is too long`);
    return value;
  }

  /** Whether the parameter was sent with a non-empty value (any number of times, any length). */
  has(name: string): boolean {
    return this.#values.getAll(name).some((value) => value !== '');
  }

  required(name: string, maxLength = DEFAULT_MAX_LENGTH): string {
    const value = this.optional(name, maxLength);
    if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`);
    return value;
  }

  /** Every non-empty value of a parameter that may repeat (e.g. RFC 8707 `resource`). */
  all(name: string, maxLength = DEFAULT_MAX_LENGTH, maxCount = 20): string[] {
    const values = this.#values.getAll(name).filter((value) => value !== '');
    if (values.length > maxCount) throw new OAuthError('invalid_request', `too many ${name} values`);
    if (values.some((value) => value.length > maxLength))
      throw new OAuthError('invalid_request', `${name} is too long`);
    return values;
  }
}

/** The query string of a request, parsed independently of the host app's `query parser` setting. */
export function queryParams(req: Request): Params {
  const url = req.originalUrl ?? req.url;
  const index = url.indexOf('?');
  return new Params(new URLSearchParams(index === -1 ? '' : url.slice(index + 1)));
}

/**
 * The `application/x-www-form-urlencoded` body. The router reads it as text; a body
 * already parsed by the host app (an object) is accepted too.
 */
export function formParams(req: Request): Params {
  const body: unknown = req.body;
  if (typeof body === 'string') return new Params(new URLSearchParams(body));
  if (Buffer.isBuffer(body)) return new Params(new URLSearchParams(body.toString('utf8')));
  const values = new URLSearchParams();
  if (body !== null && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        values.append(key, typeof item === 'string' ? item : (JSON.stringify(item) ?? ''));
      }
    }
  }
  return new Params(values);
}

/** The form body of a back-channel endpoint; any other content type is `invalid_request` (RFC 6749 §3.2). */
export function requiredFormParams(req: Request): Params {
  if (!req.is('application/x-www-form-urlencoded'))
    throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
  return formParams(req);
}
