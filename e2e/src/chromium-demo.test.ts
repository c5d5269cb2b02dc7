import { startDemoClient } from '@auth/demo';
import { freePort } from '@auth/test-kit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

/**
 * One headless Chromium run of the demo flow. The demo client page
 * (`startDemoClient`) is a registered, untrusted client, so the consent page shows.
 */
describe('headless Chromium through the demo: consent, corp login, github login, both backends', () => {
  let stack: Stack;
  let client: Awaited<ReturnType<typeof startDemoClient>>;
  let browser: Browser;
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    const clientPort = await freePort();
    stack = await startStack({
      clients: [
        {
          client_id: 'demo',
          client_name: 'Gateway demo page',
          redirect_uris: [`http://127.0.0.1:${clientPort}/callback`],
          trusted: false,
        },
      ],
    });
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
    client = await startDemoClient({
      gatewayUrl: stack.issuer,
      clientId: 'demo',
      port: clientPort,
      upstreams: [
        { name: 'corp', displayName: 'corp' },
        { name: 'github', displayName: 'github' },
      ],
      routes: [
        { path: '/mcp/corp', upstream: 'corp', header: 'authorization' },
        { path: '/mcp/github', upstream: 'github', header: 'x-upstream-token' },
      ],
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await client?.close();
    await stack?.stop();
    await stopAll();
  });

  it('clicks through the whole chain and ends on the page showing both backends answered 200 with their own credential', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const visited: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });

    await page.goto(client.url);
    await page.click('#login');

    // Consent (docs/architecture.md#consent): names the client, the redirect host and the upstreams in order.
    const allow = page.locator('button[name="decision"][value="allow"]');
    await allow.waitFor();
    expect(page.url().startsWith(`${stack.issuer}/oauth/authorize`)).toBe(true);
    const consent = await page.textContent('body');
    expect(consent).toContain('Gateway demo page');
    expect(consent).toMatch(/corp[\s\S]*github/);
    await allow.click();

    // corp (OIDC) login form.
    await page.waitForURL((url) => url.href.startsWith(`${stack.corp.url}/authorize`));
    await page.fill('input[name="username"]', 'erin');
    await page.click('button[type="submit"]');

    // github (OAuth 2.0) login form.
    await page.waitForURL((url) => url.href.startsWith(`${stack.github.url}/login/oauth/authorize`));
    await page.fill('input[name="username"]', 'erin');
    await page.click('button[type="submit"]');

    await page.waitForURL((url) => url.href.startsWith(`${client.url}/result`));
    await page.locator('#result').waitFor();
    expect(await page.textContent('h1')).toBe('Signed in');
    expect(await page.textContent('#result')).toContain('HTTP 200');

    // One row per route: path, status, backend, the credential it received (masked).
    const rows = () =>
      page.$$eval('#backends tr[data-route]', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    const sections = await rows();
    expect(sections.map((cells) => `${cells[0]} → ${cells[1]}`)).toEqual([
      '/mcp/corp → 200',
      '/mcp/github → 200',
    ]);
    expect(sections[0]![2]).toBe('corp-backend');
    expect(await page.textContent('tr[data-route="/mcp/corp"] .received')).toMatch(/^Bearer midp/); // a mock IdP token (masked), not the gateway JWT (eyJ…)
    expect(stack.corpBackend.received.at(-1)?.headers['x-upstream-token']).toBeUndefined();
    expect(sections[1]![2]).toBe('github-backend');
    expect(await page.textContent('tr[data-route="/mcp/github"] .received')).toMatch(/^midp/);
    expect(stack.githubBackend.received.at(-1)?.headers['authorization']).toBeUndefined();

    // The browser went client → gateway → corp → gateway → github → gateway → client.
    const hosts = visited.map((url) => new URL(url).origin);
    const order = hosts.filter((origin, i) => origin !== hosts[i - 1]);
    expect(order).toEqual([client.url, stack.issuer, stack.corp.url, stack.github.url, client.url]);

    // What the backends really received: each its own IdP's token, accepted there for erin.
    const corpHeader = stack.corpBackend.received.at(-1)?.headers['authorization'] as string;
    const githubHeader = stack.githubBackend.received.at(-1)?.headers['x-upstream-token'] as string;
    secrets.add('corp upstream access token', corpHeader);
    secrets.add('github upstream access token', githubHeader);
    const userinfo = await fetch(`${stack.corp.url}/userinfo`, { headers: { authorization: corpHeader } });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('erin');
    const user = await fetch(`${stack.github.url}/user`, {
      headers: { authorization: `token ${githubHeader}` },
    });
    expect(((await user.json()) as { login: string }).login).toBe('erin');

    // Again in the same browser: consent is remembered (signed cookie) and both IdPs
    // still hold a session, so the chain runs through without a single page to click.
    visited.length = 0;
    await page.goto(client.url);
    await page.click('#login');
    await page.waitForURL((url) => url.href.startsWith(`${client.url}/result`));
    await page.locator('#result').waitFor();
    const again = (await rows()).map((cells) => `${cells[0]} → ${cells[1]}`);
    expect(again).toEqual(['/mcp/corp → 200', '/mcp/github → 200']);
    // The only pages shown were the client's own: no consent page, no login form.
    expect(visited.map((url) => new URL(url).origin)).toEqual([client.url, client.url]);
    await context.close();
  });

  it('no upstream token or secret of the run appears in the gateway logs', async () => {
    expect(await stack.gateways[0]!.stop()).toBe(0);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
