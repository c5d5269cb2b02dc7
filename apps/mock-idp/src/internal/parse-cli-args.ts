import { parseArgs } from 'node:util';
import type { MockIdpOptions } from '../mock-idp-options.js';

export const USAGE = `usage: mock-idp --issuer URL --mode oidc|oauth2 --client-id ID [--client-secret S]
                [--redirect-uri URI]... [--auto-login USER] [--access-token-ttl SECONDS]
                [--no-refresh-tokens] [--title TEXT]

  --issuer URL             the issuer; the server listens on its port (0: a free port)
  --mode oidc|oauth2       an OpenID Provider, or a GitHub-shaped OAuth 2.0 server
  --client-id ID           the one client this IdP knows
  --client-secret S        its secret (absent: a public client, PKCE required)
  --redirect-uri URI       a registered redirect URI (repeatable; absent: any)
  --auto-login USER        skip the login form and log in as USER
  --access-token-ttl SECS  access token lifetime (default 3600)
  --no-refresh-tokens      issue no refresh tokens
  --title TEXT             heading of the login page (e.g. "Corp SSO — step 1 of 2")
  --help                   this text`;

/** A usage problem: the CLI prints it with the usage text and exits 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Parses the CLI arguments into options (without a logger); `help` when `--help` was given. */
export function parseCliArgs(
  argv: readonly string[],
): { help: true } | { help: false; options: MockIdpOptions } {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) return { help: true };
  const { issuer, mode } = values;
  const clientId = values['client-id'];
  if (issuer === undefined) throw new CliUsageError('--issuer is required');
  if (mode !== 'oidc' && mode !== 'oauth2') throw new CliUsageError('--mode must be oidc or oauth2');
  if (clientId === undefined || clientId === '') throw new CliUsageError('--client-id is required');
  const options: MockIdpOptions = { mode, issuer, clientId };
  const secret = values['client-secret'];
  if (secret !== undefined) options.clientSecret = secret;
  const redirectUris = values['redirect-uri'];
  if (redirectUris !== undefined) options.redirectUris = redirectUris;
  const autoLogin = values['auto-login'];
  if (autoLogin !== undefined) options.autoLogin = autoLogin;
  const ttl = values['access-token-ttl'];
  if (ttl !== undefined) {
    if (!/^[1-9][0-9]{0,7}$/.test(ttl))
      throw new CliUsageError('--access-token-ttl must be a positive integer');
    options.accessTokenTtlSeconds = Number(ttl);
  }
  if (values['no-refresh-tokens'] === true) options.refreshTokens = false;
  if (values.title !== undefined) options.title = values.title;
  return { help: false, options };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      issuer: { type: 'string' },
      mode: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'auto-login': { type: 'string' },
      'access-token-ttl': { type: 'string' },
      'no-refresh-tokens': { type: 'boolean' },
      title: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
