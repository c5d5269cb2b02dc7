import type { Response } from 'express';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

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

export interface ConsentPageInput {
  clientName: string;
  redirectHost: string;
  scopes: readonly string[];
  upstreams: ReadonlyArray<{ name: string; optional: boolean }>;
  action: string;
  interactionId: string;
  csrfToken: string;
}

/** The consent page (docs/architecture.md#consent). */
export function sendConsentPage(res: Response, input: ConsentPageInput): void {
  const scopes =
    input.scopes.length === 0
      ? '<li>no scopes</li>'
      : input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  const upstreams = input.upstreams
    .map((u) => `<li>${escapeHtml(u.name)}${u.optional ? ' (optional)' : ''}</li>`)
    .join('');
  sendHtml(
    res,
    200,
    layout(
      'Authorize access',
      `<h1>Authorize ${escapeHtml(input.clientName)}</h1>` +
        `<p>The application <strong>${escapeHtml(input.clientName)}</strong> at <strong>${escapeHtml(input.redirectHost)}</strong> asks for access.</p>` +
        `<p>Scopes:</p><ul>${scopes}</ul>` +
        `<p>You will sign in at these identity providers, in this order:</p><ol>${upstreams}</ol>` +
        `<form method="post" action="${escapeHtml(input.action)}">` +
        `<input type="hidden" name="interaction" value="${escapeHtml(input.interactionId)}">` +
        `<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">` +
        '<button type="submit" name="decision" value="allow">Allow</button>' +
        '<button type="submit" name="decision" value="deny">Deny</button>' +
        '</form>',
    ),
  );
}
