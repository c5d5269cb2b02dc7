import { randomBytes } from 'node:crypto';
import { createMemoryStorage, type Storage } from '@auth/storage';
import { listen, type MockIdp, type RecordingLogger, recordingLogger, startMockIdp } from '@auth/test-kit';
import { createUpstreamClient, type UpstreamClientOptions } from '@auth/upstream';
import express, { type Router } from 'express';
import { type AuthorizationServer, createAuthorizationServer } from '../authorization-server.js';
import type {
  AuthorizationServerOptions,
  ChainUpstream,
  MetadataDocumentOptions,
  SigningKey,
  StaticClient,
} from '../authorization-server-options.js';
import type { ChainEvents } from '../chain-events.js';

export interface HarnessUpstream {
  name: string;
  mode: 'oidc' | 'oauth2';
  optional?: boolean;
  /** Default: `user-<name>`. */
  autoLogin?: string;
  /** Public client at the IdP (no secret). */
  publicClient?: boolean;
  /** The mock IdP's clock (its sessions' auth_time, its tokens' iat); default `Date.now`. */
  now?: () => number;
  /** How the consent page names it (default: the name). */
  displayName?: string;
  /** An oauth2 upstream's prompt for signing in again (the client's default: select_account). */
  reauthenticationPrompt?: 'select_account' | 'login';
}

/** The usual pair: an OIDC IdP then a GitHub-shaped OAuth 2.0 one, both required. */
export const CORP_AND_GITHUB: readonly HarnessUpstream[] = [
  { name: 'corp', mode: 'oidc' },
  { name: 'github', mode: 'oauth2' },
];

export interface HarnessOptions {
  upstreams: readonly HarnessUpstream[];
  storage?: Storage;
  clients?: StaticClient[];
  registration?: boolean;
  /** Route paths; each becomes a resource `issuer + path`. Default one route per upstream `/mcp/<name>`. */
  routes?: string[];
  upstreamTimeoutMs?: number;
  signingKeys?: SigningKey[];
  scopesSupported?: string[];
  now?: () => number;
  metadataDocuments?: MetadataDocumentOptions;
  /** Options given as they are, over the harness's own (e.g. a limiter, registration bounds). */
  overrides?: Partial<AuthorizationServerOptions>;
  events?: ChainEvents;
}

export interface Harness {
  issuer: string;
  as: AuthorizationServer;
  /** What the authorization server was created with. */
  options: AuthorizationServerOptions;
  storage: Storage;
  idps: Record<string, MockIdp>;
  logs: RecordingLogger;
  /** Secrets configured in this run (IdP client secrets, static client secrets), for leak checks. */
  secrets: string[];
  resource(path: string): string;
  close(): Promise<void>;
}

/**
 * Every harness checks its whole log when it closes: no configured secret, nothing an IdP
 * issued (codes and tokens start with the IdP's prefix), no JWT, and no 43-character
 * base64url value (the shape of this server's codes, refresh tokens, states and session ids).
 */
function leakingLines(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.filter(
    (line) =>
      secrets.some((secret) => line.includes(secret)) ||
      /eyJ[A-Za-z0-9_-]{8,}/.test(line) ||
      /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43,}(?![A-Za-z0-9_-])/.test(line),
  );
}

/** Starts real mock IdPs and the authorization server on 127.0.0.1 (port 0), issuer = the real URL. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  let router: Router | undefined;
  const app = express();
  app.use((req, res, next) => {
    if (router === undefined) {
      res.status(503).end();
      return;
    }
    router(req, res, next);
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const server = await listen(app);
  const issuer = server.url;
  const idps: Record<string, MockIdp> = {};
  const secrets: string[] = [];
  const upstreamOptions: Array<{ optional: boolean; displayName?: string; client: UpstreamClientOptions }> =
    [];
  try {
    for (const upstream of options.upstreams) {
      const clientSecret =
        upstream.publicClient === true ? undefined : `idp-secret-${randomBytes(12).toString('hex')}`;
      if (clientSecret !== undefined) secrets.push(clientSecret);
      const idp = await startMockIdp({
        mode: upstream.mode,
        clientId: `gateway-${upstream.name}`,
        redirectUris: [`${issuer}/oauth/callback/${upstream.name}`],
        autoLogin: upstream.autoLogin ?? `user-${upstream.name}`,
        ...(clientSecret === undefined ? {} : { clientSecret }),
        ...(upstream.now === undefined ? {} : { now: upstream.now }),
      });
      idps[upstream.name] = idp;
      const base = {
        name: upstream.name,
        clientId: `gateway-${upstream.name}`,
        ...(clientSecret === undefined ? {} : { clientSecret }),
      };
      upstreamOptions.push({
        optional: upstream.optional ?? false,
        ...(upstream.displayName === undefined ? {} : { displayName: upstream.displayName }),
        client:
          upstream.mode === 'oidc'
            ? {
                ...base,
                type: 'oidc',
                issuer: idp.issuer,
                scopes: ['openid', 'profile', 'email', 'offline_access'],
              }
            : {
                ...base,
                type: 'oauth2',
                authorizationEndpoint: `${idp.url}/login/oauth/authorize`,
                tokenEndpoint: `${idp.url}/login/oauth/access_token`,
                userinfo: {
                  endpoint: `${idp.url}/user`,
                  subjectField: 'id',
                  nameField: 'login',
                  emailField: 'email',
                },
                scopes: ['repo'],
                ...(upstream.reauthenticationPrompt === undefined
                  ? {}
                  : { reauthenticationPrompt: upstream.reauthenticationPrompt }),
              },
      });
    }
    for (const client of options.clients ?? []) {
      if (client.clientSecret !== undefined) secrets.push(client.clientSecret);
    }
    const routePaths = options.routes ?? options.upstreams.map((u) => `/mcp/${u.name}`);
    const storage =
      options.storage ?? createMemoryStorage(options.now === undefined ? {} : { now: options.now });
    const logs = recordingLogger();
    const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 3000;
    // The app's part: one client per upstream (mock IdPs are http on loopback), logging to the
    // recording log so the leak checks see the upstream clients' lines too.
    const upstreams: ChainUpstream[] = upstreamOptions.map(({ optional, displayName, client }) => ({
      optional,
      ...(displayName === undefined ? {} : { displayName }),
      client: createUpstreamClient(client, {
        timeoutMs: upstreamTimeoutMs,
        logger: logs,
        allowInsecureHttp: true,
        ...(options.now === undefined ? {} : { now: options.now }),
      }),
    }));
    const asOptions: AuthorizationServerOptions = {
      issuer,
      upstreams,
      audiences: routePaths.map((path) => `${issuer}${path}`),
      lifetimes: { accessToken: 3600, refreshToken: 7 * 86400, authorizationCode: 60 },
      signingKeys: options.signingKeys ?? [],
      scopesSupported: options.scopesSupported ?? ['openid', 'profile', 'email', 'offline_access'],
      clients: options.clients ?? [],
      registration: { enabled: options.registration ?? true },
      ...(options.metadataDocuments === undefined ? {} : { metadataDocuments: options.metadataDocuments }),
      storage,
      logger: logs,
      upstreamTimeoutMs,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...options.overrides,
      ...(options.events === undefined ? {} : { events: options.events }),
    };
    const as = await createAuthorizationServer(asOptions);
    router = as.router;
    return {
      issuer,
      as,
      options: asOptions,
      storage,
      idps,
      logs,
      secrets,
      resource: (path) => `${issuer}${path}`,
      async close() {
        const leaks = leakingLines(logs.lines, [
          ...secrets,
          ...Object.values(idps).map((idp) => idp.tokenPrefix),
        ]);
        await as.close();
        await Promise.all(Object.values(idps).map((idp) => idp.close()));
        await server.close();
        if (options.storage === undefined) await storage.close();
        if (leaks.length > 0) throw new Error(`log lines hold secrets or tokens:\n${leaks.join('\n')}`);
      },
    };
  } catch (error) {
    await Promise.all(Object.values(idps).map((idp) => idp.close()));
    await server.close();
    throw error;
  }
}
