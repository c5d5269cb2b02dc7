import { escapeHtml } from '@auth/protocol';
import type { Response } from 'express';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}' +
  'button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}ol,ul{padding-left:1.25rem}' +
  'code{background:#f2f2f2;padding:0 .25rem}';

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function sendHtml(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .send(html);
}

/** An error page: used where redirecting to the client would make the server an open redirector. */
export function sendErrorPage(res: Response, status: number, error: string, description: string): void {
  sendHtml(
    res,
    status,
    layout(
      'Authorization error',
      `<h1>Authorization error</h1><p><code>${escapeHtml(error)}</code></p><p>${escapeHtml(description)}</p>`,
    ),
  );
}

/** Where the answer goes: a web (or loopback) host, or a native app's private-use scheme (RFC 8252 §7.1). */
export type RedirectTarget = { kind: 'web'; host: string } | { kind: 'native'; scheme: string };

export interface ConsentPageInput {
  clientName: string;
  redirect: RedirectTarget;
  /** The host of the client's metadata document, for a client identified by its URL. */
  documentHost?: string;
  scopes: readonly string[];
  /** In chain order; each shown by its display name. */
  upstreams: ReadonlyArray<{ displayName: string; optional: boolean }>;
  action: string;
  /** The sealed pre-consent state (the form's `interaction` field). */
  interaction: string;
  csrfToken: string;
}

/** Who asks, in plain words: the app and where it is (a host, or a native app and its scheme). */
/** The client's name, escaped and isolated (HTML `<bdi>`, UAX #9): a right-to-left name cannot reorder the text around it. */
function isolatedName(clientName: string): string {
  return `<bdi>${escapeHtml(clientName)}</bdi>`;
}

function requester(input: ConsentPageInput): string {
  const name = `<strong>${isolatedName(input.clientName)}</strong>`;
  const identity =
    input.documentHost === undefined
      ? ''
      : ` It is identified by a metadata document published at <strong>${escapeHtml(input.documentHost)}</strong>; this server has no other knowledge of it.`;
  if (input.redirect.kind === 'native')
    return (
      `<p>The application ${name} is a <strong>native app</strong> on your device; it receives the answer through its ` +
      `<code>${escapeHtml(input.redirect.scheme)}:</code> links, and asks for access.${identity}</p>`
    );
  return `<p>The application ${name} at <strong>${escapeHtml(input.redirect.host)}</strong> asks for access.${identity}</p>`;
}

/** The consent page (docs/architecture.md#consent). */
export function sendConsentPage(res: Response, input: ConsentPageInput): void {
  const scopes =
    input.scopes.length === 0
      ? '<li>no scopes</li>'
      : input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  const upstreams = input.upstreams
    .map((u) => `<li>${escapeHtml(u.displayName)}${u.optional ? ' (optional)' : ''}</li>`)
    .join('');
  sendHtml(
    res,
    200,
    layout(
      'Authorize access',
      `<h1>Authorize ${isolatedName(input.clientName)}</h1>` +
        requester(input) +
        `<p>Scopes:</p><ul>${scopes}</ul>` +
        `<p>You will sign in at these identity providers, in this order:</p><ol>${upstreams}</ol>` +
        `<form method="post" action="${escapeHtml(input.action)}">` +
        `<input type="hidden" name="interaction" value="${escapeHtml(input.interaction)}">` +
        `<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">` +
        '<button type="submit" name="decision" value="allow">Allow</button>' +
        '<button type="submit" name="decision" value="deny">Deny</button>' +
        '</form>',
    ),
  );
}
