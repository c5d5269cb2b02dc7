import { escapeHtml } from '@auth/protocol';
import type { AggregateReport } from './aggregate-report.js';
import type { BackendReport, DemoRoute, DemoUpstream, SignInReport } from './sign-in-report.js';

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

const STYLE = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{background:#f4f4f4;padding:1rem;overflow:auto}code{background:#f2f2f2;padding:0 .25rem}
#chain{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;align-items:stretch}
#chain li{border:2px solid #4a6fa5;border-radius:.5rem;padding:.5rem .75rem;min-width:9rem;background:#f5f8fc}
#chain li+li::before{content:"→";margin-right:.5rem;color:#4a6fa5;font-weight:bold}
#chain .time{display:block;font-size:.85rem;color:#555}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.ok{color:#1a7f37;font-weight:bold}.bad{color:#b42318;font-weight:bold}
button{font-size:1rem;padding:.5rem 1.25rem}`;

/** The common page frame. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** The home page: what is about to happen, and the sign-in link. */
export function homePage(
  upstreams: readonly DemoUpstream[],
  routes: readonly DemoRoute[],
  aggregatePath?: string,
): string {
  const steps = upstreams.map((u) => `<li>${escapeHtml(u.displayName)}</li>`).join('');
  return page(
    'Multi-upstream gateway demo',
    `<p>Sign in once: the gateway asks for your consent, then walks you through every identity provider
of its chain in turn:</p><ol id="planned">${steps}</ol>
<p>It then issues one access token (a JWT) to this page, which calls ${routes.map((r) => code(r.path)).join(' and ')}:
the gateway swaps its JWT for each backend's own upstream token.${
      aggregatePath === undefined
        ? ''
        : ` Then it connects as an MCP client to ${code(aggregatePath)}, one MCP endpoint for two MCP backends, and calls a tool of each.`
    }</p>
<p><a id="login" href="/login">Sign in through the gateway</a></p>`,
  );
}

const clock = (ms: number) => `${new Date(ms).toISOString().slice(11, 23)} UTC`;
const after = (ms: number, previous: number | undefined) =>
  previous === undefined ? '' : ` (+${((ms - previous) / 1000).toFixed(1)} s)`;

/** The chain as the gateway recorded it: each leg when its tokens came, then the JWT's issue. */
function chainDrawing(report: SignInReport): string {
  const count = report.legs.length;
  let previous: number | undefined;
  const legs = report.legs.map((leg, index) => {
    const time =
      leg.obtainedAt === undefined
        ? 'time not recorded'
        : `tokens obtained ${clock(leg.obtainedAt)}${after(leg.obtainedAt, previous)}`;
    previous = leg.obtainedAt ?? previous;
    return `<li data-upstream="${escapeHtml(leg.upstream.name)}"><strong>${escapeHtml(leg.upstream.displayName)}</strong>
 — step ${index + 1} of ${count}<span class="time">${time}</span></li>`;
  });
  const iat = typeof report.claims['iat'] === 'number' ? report.claims['iat'] * 1000 : undefined;
  const issued =
    iat === undefined ? '' : `<span class="time">JWT issued ${clock(iat).replace(/\.\d+/, '')} (iat)</span>`;
  return `<ol id="chain"><li data-step="consent"><strong>Consent</strong> at the gateway<span class="time">you allowed the chain</span></li>${legs.join('')}<li data-step="token"><strong>Gateway</strong> issues its JWT${issued}</li></ol>
<p class="note">Times are what the gateway recorded: when it obtained each provider's tokens (stored with the session), and the JWT's <code>iat</code>.</p>`;
}

function claimsTable(claims: Record<string, unknown>): string {
  const rows = ['sub', 'aud', 'scope', 'tsid', 'client_id', 'iss', 'exp']
    .filter((name) => claims[name] !== undefined)
    .map((name) => {
      const value = claims[name];
      return `<tr data-claim="${name}"><th>${name}</th><td>${code(Array.isArray(value) ? value.join(' ') : String(value))}</td></tr>`;
    });
  return `<table id="claims">${rows.join('')}</table>`;
}

function backendRow(report: BackendReport, upstreams: readonly DemoUpstream[]): string {
  const upstream = upstreams.find((u) => u.name === report.route.upstream);
  const jwt =
    report.jwtFrom === undefined
      ? 'not checked'
      : report.jwtFrom.length === 0
        ? '<span class="ok">no</span>'
        : `<span class="bad">yes: ${report.jwtFrom.map(code).join(', ')}</span>`;
  return `<tr data-route="${escapeHtml(report.route.path)}"><td>${code(report.route.path)}</td><td>${report.status}</td>
<td>${escapeHtml(report.backend ?? '—')}</td><td>${escapeHtml(upstream?.displayName ?? report.route.upstream)} token in ${code(report.route.header)}:
<span class="received">${report.received === undefined ? '—' : code(report.received)}</span></td><td class="jwt">${jwt}</td></tr>`;
}

/** Whether every backend checked and none saw the gateway's JWT. */
function noJwtStatement(backends: readonly BackendReport[]): string {
  const unchecked = backends.some((b) => b.jwtFrom === undefined);
  const seen = backends.filter((b) => (b.jwtFrom ?? []).length > 0);
  if (seen.length > 0)
    return `<p id="no-jwt" class="bad">The gateway's JWT reached ${seen.map((b) => code(b.route.path)).join(', ')}.</p>`;
  if (unchecked) return '<p id="no-jwt">Not every backend checked its headers for the gateway\'s JWT.</p>';
  return `<p id="no-jwt" class="ok">No backend saw the gateway's JWT: each backend checked every header it received.</p>`;
}

/** The aggregate route: its merged tools, and what each backend's `whoami` received (masked). */
function aggregateSection(report: AggregateReport, upstreams: readonly DemoUpstream[]): string {
  const failed =
    report.error === undefined ? '' : `<p id="mcp-error" class="bad">${escapeHtml(report.error)}</p>`;
  const tools = report.tools.map((tool) => `<li>${code(tool)}</li>`).join('');
  const rows = report.calls
    .map((call) => {
      const upstream = upstreams.find((u) => u.name === call.upstream);
      const outcome =
        call.error === undefined
          ? `${escapeHtml(call.backend ?? '—')}: ${escapeHtml(upstream?.displayName ?? call.upstream)} token${call.header === undefined ? '' : ` in ${code(call.header)}`}:
<span class="received">${call.received === undefined ? '—' : code(call.received)}</span>`
          : `<span class="bad">${escapeHtml(call.error)}</span>`;
      const jwt = call.sawJwt ? '<span class="bad">yes</span>' : '<span class="ok">no</span>';
      return `<tr data-tool="${escapeHtml(call.tool)}"><td>${code(call.tool)}</td><td>${outcome}</td><td class="jwt">${jwt}</td></tr>`;
    })
    .join('');
  return `<h2>One MCP endpoint for both backends: ${code(report.path)}</h2>
<p>The MCP SDK client connected once to ${code(report.path)} with the JWT; the gateway merged both backends' tools under prefixed names:</p>
${failed}<ul id="mcp-tools">${tools}</ul>
<table id="mcp-calls"><tr><th>tool called</th><th>backend: credential received (masked)</th><th>saw the JWT?</th></tr>${rows}</table>
<p class="note">Each backend's <code>whoami</code> tool answers the credentials it was called with; the page masks them.</p>`;
}

/** The result page: the chain, the claims, each backend's credential, and sign-out. */
export function resultPage(
  report: SignInReport,
  upstreams: readonly DemoUpstream[],
  tokenStatus: number,
): string {
  return page(
    'Signed in',
    `<p id="result">Token response: HTTP ${tokenStatus}, scope ${code(String(report.claims['scope'] ?? ''))}.</p>
<h2>The chain, as it happened</h2>${chainDrawing(report)}
<h2>The gateway's access token (decoded JWT)</h2>${claimsTable(report.claims)}
<h2>What each backend received</h2>
<table id="backends"><tr><th>route</th><th>status</th><th>backend</th><th>credential received (masked)</th><th>saw the JWT?</th></tr>
${report.backends.map((b) => backendRow(b, upstreams)).join('')}</table>${noJwtStatement(report.backends)}
${report.aggregate === undefined ? '' : aggregateSection(report.aggregate, upstreams)}
<form method="post" action="/signout"><button id="signout" type="submit">Sign out (revoke the grant)</button></form>
<p><a href="/">Home</a></p>`,
  );
}

/** After sign-out: the revocation's answer and each protected route's answer with the old token. */
export function signedOutPage(
  revokeStatus: number,
  after: ReadonlyArray<{ path: string; status: number; challenge?: string }>,
): string {
  const rows = after
    .map(
      (r) =>
        `<tr data-route="${escapeHtml(r.path)}"><td>${code(r.path)}</td><td class="status">${r.status}</td><td>${r.challenge === undefined ? '—' : code(r.challenge)}</td></tr>`,
    )
    .join('');
  const all401 = after.every((r) => r.status === 401);
  return page(
    'Signed out',
    `<p id="revoked">The grant was revoked at the gateway's revocation endpoint (RFC 7009): HTTP ${revokeStatus}.
The gateway deleted the session's upstream tokens with it.</p>
<p>The same access token, sent again to each protected route:</p>
<table id="after"><tr><th>route</th><th>status</th><th>WWW-Authenticate</th></tr>${rows}</table>
<p id="verdict" class="${all401 ? 'ok' : 'bad'}">${all401 ? 'Every protected route now answers 401.' : 'A protected route still answered.'}</p>
<p><a href="/">Home</a></p>`,
  );
}

/** A failed sign-in (an error at the callback, or an unknown state). */
export function failurePage(error: string, description: string): string {
  return page(
    'Login failed',
    `<pre>${escapeHtml(error)}: ${escapeHtml(description)}</pre><p><a href="/">Home</a></p>`,
  );
}
