import { type GatewayConfig, parseConfig, Secret, type UpstreamConfig } from '@auth/config';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.js';
import { createGateway } from './create-gateway.js';
import { createUpstreamClients } from './upstream-clients-from-config.js';

const config = (): GatewayConfig =>
  parseConfig(
    {
      issuer: 'http://127.0.0.1:8080',
      upstreams: [
        { name: 'corp', type: 'oidc', issuer: 'http://127.0.0.1:9001', client_id: 'gw' },
        {
          name: 'github',
          type: 'oauth2',
          authorization_endpoint: 'http://127.0.0.1:9002/login/oauth/authorize',
          token_endpoint: 'http://127.0.0.1:9002/login/oauth/access_token',
          userinfo: { endpoint: 'http://127.0.0.1:9002/user' },
          client_id: 'gw',
          optional: true,
        },
      ],
    },
    { env: {} },
  );

const unusable = (): UpstreamConfig => ({
  name: 'corp',
  type: 'oidc',
  // Plain http off loopback: never allowed.
  issuer: 'http://idp.example.com',
  clientId: 'gw',
  clientSecret: new Secret('upstream-secret-value'),
  scopes: ['openid'],
  optional: false,
  timeout: 10,
});

describe('createUpstreamClients', () => {
  it('builds one client per configured upstream, by name, in chain order', () => {
    const clients = createUpstreamClients(config().upstreams);
    expect(clients.map((client) => client.name)).toEqual(['corp', 'github']);
    expect(clients[0]).toMatchObject({ name: 'corp', type: 'oidc' });
    expect(clients[1]).toMatchObject({ name: 'github', type: 'oauth2' });
  });

  it('gives an oauth2 upstream its configured reauthentication_prompt', async () => {
    const leg = {
      redirectUri: 'http://127.0.0.1:8080/oauth/callback/github',
      state: 'leg-state',
      codeVerifier: 'v'.repeat(43),
      nonce: 'leg-nonce',
      prompt: 'login' as const,
    };
    const prompt = async (upstreams: UpstreamConfig[]) =>
      (await createUpstreamClients(upstreams)[1]!.authorizationUrl(leg)).searchParams.get('prompt');
    expect(await prompt(config().upstreams)).toBe('select_account');
    const login = config().upstreams.map((u) =>
      u.type === 'oauth2' ? { ...u, reauthenticationPrompt: 'login' as const } : u,
    );
    expect(await prompt(login)).toBe('login');
  });

  it('gives each client its upstream’s timeout, unless the caller fixes one for all', () => {
    const source = config();
    const configured = {
      ...source,
      upstreams: source.upstreams.map((upstream, index) => ({ ...upstream, timeout: index === 0 ? 2 : 30 })),
    };
    expect(createUpstreamClients(configured.upstreams).map((client) => client.timeoutMs)).toEqual([
      2_000, 30_000,
    ]);
    expect(
      createUpstreamClients(configured.upstreams, { timeoutMs: 1234 }).map((client) => client.timeoutMs),
    ).toEqual([1234, 1234]);
  });

  it('reports an unusable upstream at start, naming it but not its secret', () => {
    let error: unknown;
    try {
      createUpstreamClients([unusable()]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: 'UpstreamOptionsError', code: 'ERR_UPSTREAM_INVALID_OPTIONS' });
    expect((error as Error).message).toContain('corp');
    expect((error as Error).message).not.toContain('upstream-secret-value');
  });

  it('allows plain http only when every URL of the upstream is on loopback', () => {
    const mixed: UpstreamConfig = {
      name: 'github',
      type: 'oauth2',
      authorizationEndpoint: 'https://github.example.com/login/oauth/authorize',
      tokenEndpoint: 'http://github.example.com/login/oauth/access_token',
      userinfo: { endpoint: 'https://api.github.example.com/user', subjectField: 'id' },
      clientId: 'gw',
      scopes: [],
      optional: false,
      reauthenticationPrompt: 'select_account',
      timeout: 10,
    };
    expect(() => createUpstreamClients([mixed])).toThrow(/github/);
    expect(createUpstreamClients([{ ...mixed, tokenEndpoint: 'https://github.example.com/t' }])).toHaveLength(
      1,
    );
  });

  it('makes createGateway fail at start for an unusable upstream', async () => {
    const bad = { ...config(), upstreams: [unusable()] };
    await expect(
      createGateway({ config: bad, logger: createLogger({ level: 'silent' }), warnOnMemoryStorage: false }),
    ).rejects.toMatchObject({ name: 'UpstreamOptionsError' });
  });
});
