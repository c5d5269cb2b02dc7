import type { Response } from 'express';

/**
 * Answers with a redirect to `url` (an absolute URL serialized by `URL`, so already encoded)
 * and an empty body. Express's `res.redirect` negotiates an HTML or text body for the same
 * answer, which cost more than the rest of a chain step; browsers and OAuth clients only read
 * `Location`.
 */
export function redirectTo(res: Response, status: 302 | 303, url: string): void {
  res.statusCode = status;
  res.setHeader('location', url);
  res.setHeader('content-length', '0');
  res.end();
}
