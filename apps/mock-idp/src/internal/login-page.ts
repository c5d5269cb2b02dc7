import { escapeHtml } from '@auth/protocol';

/** The login form: posts the authorization request back with a `username`. */
export function loginPage(options: {
  title: string;
  action: string;
  params: Record<string, string>;
  error?: string;
}): string {
  const hidden = Object.entries(options.params)
    .map(([k, v]) => `    <input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const error = options.error === undefined ? '' : `  <p role="alert">${escapeHtml(options.error)}</p>\n`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(options.title)}: sign in</title></head>
<body>
  <h1>${escapeHtml(options.title)}</h1>
${error}  <form method="post" action="${escapeHtml(options.action)}">
${hidden}
    <label>Username <input name="username" autocomplete="username" required autofocus></label>
    <button type="submit">Sign in</button>
  </form>
</body>
</html>
`;
}

/** An error page for requests that must not be redirected (unknown client or redirect URI). */
export function errorPage(title: string, error: string, description: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}: error</title></head>
<body>
  <h1>${escapeHtml(error)}</h1>
  <p>${escapeHtml(description)}</p>
</body>
</html>
`;
}
