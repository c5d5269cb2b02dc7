import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@auth/test-kit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { type RunningProcess, spawnCli, stopAll } from './support/process.js';

/** Screenshots of each page of the walk (git-ignored). */
const SHOTS = fileURLToPath(new URL('../.tmp/demo-walkthrough/', import.meta.url));

/**
 * `npm start`'s entry point as a real process on free ports, walked in headless Chromium: home,
 * consent (both IdPs in order), corp login ("step 1 of 2"), GitHub login ("step 2 of 2"), the
 * result page (the chain with the gateway's times, the JWT's claims, each backend's masked token,
 * no JWT at any backend, the aggregate route's merged tools and one call per MCP backend), then sign-out (revoked; the routes answer 401).
 */
describe('the demo (npm start) walked in headless Chromium', () => {
  let demo: RunningProcess;
  let browser: Browser;
  let ports: Record<
    'gateway' | 'client' | 'corp' | 'github' | 'corpBackend' | 'githubBackend' | 'corpMcp' | 'githubMcp',
    number
  >;

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    ports = {
      gateway: await freePort(),
      client: await freePort(),
      corp: await freePort(),
      github: await freePort(),
      corpBackend: await freePort(),
      githubBackend: await freePort(),
      corpMcp: await freePort(),
      githubMcp: await freePort(),
    };
    demo = await spawnCli({
      name: 'demo',
      script: 'apps/demo/src/start-demo.ts',
      args: [],
      env: {
        DEMO_PORTS: Object.entries(ports)
          .map(([name, port]) => `${name}=${port}`)
          .join(','),
      },
      readyPattern: /Open (http:\/\/127\.0\.0\.1:\d+) and sign in/,
      readyTimeoutMs: 60_000,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });

  it('home → consent → corp (step 1 of 2) → GitHub (step 2 of 2) → the drawn chain → sign-out', async () => {
    const client = `http://127.0.0.1:${ports.client}`;
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    expect(demo.ready).toBe(client);
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);

    await page.goto(client);
    expect(await page.locator('#planned li').allTextContents()).toEqual(['Corp SSO', 'GitHub']);
    await shot(page, '1-home');
    await page.click('#login');

    // Consent: the demo client is not trusted; the page lists the IdPs by display name, in order.
    const allow = page.locator('button[name="decision"][value="allow"]');
    await allow.waitFor();
    expect(page.url().startsWith(`${gateway}/oauth/authorize`)).toBe(true);
    expect(await page.textContent('h1')).toContain('Gateway demo page');
    expect(await page.locator('ol li').allTextContents()).toEqual(['Corp SSO', 'GitHub']);
    await shot(page, '2-consent');
    await allow.click();

    await page.waitForURL((url) => url.port === String(ports.corp));
    expect(await page.textContent('h1')).toBe('Corp SSO — step 1 of 2');
    expect(await page.title()).toBe('Corp SSO — step 1 of 2: sign in');
    await page.fill('input[name="username"]', 'erin');
    await shot(page, '3-corp-login');
    await page.click('button[type="submit"]');

    await page.waitForURL((url) => url.port === String(ports.github));
    expect(await page.textContent('h1')).toBe('GitHub — step 2 of 2');
    await page.fill('input[name="username"]', 'erin');
    await shot(page, '4-github-login');
    await page.click('button[type="submit"]');

    await page.waitForURL(`${client}/result`);
    expect(await page.textContent('h1')).toBe('Signed in');
    expect(await page.textContent('#result')).toContain('HTTP 200');

    // The chain as it happened: consent, corp then github with the times the gateway stored, the JWT.
    const steps = page.locator('#chain > li');
    expect(
      await steps.evaluateAll((items) =>
        items.map((li) => li.getAttribute('data-upstream') ?? li.getAttribute('data-step')),
      ),
    ).toEqual(['consent', 'corp', 'github', 'token']);
    const corpLeg = (await page.textContent('#chain li[data-upstream="corp"]')) ?? '';
    const githubLeg = (await page.textContent('#chain li[data-upstream="github"]')) ?? '';
    expect(corpLeg).toMatch(/Corp SSO\s+— step 1 of 2\s*tokens obtained \d\d:\d\d:\d\d\.\d{3} UTC/);
    expect(githubLeg).toMatch(
      /GitHub\s+— step 2 of 2\s*tokens obtained \d\d:\d\d:\d\d\.\d{3} UTC \(\+\d+\.\d s\)/,
    );
    const time = (text: string) => /obtained (\d\d:\d\d:\d\d\.\d{3})/.exec(text)![1]!;
    expect(time(corpLeg) <= time(githubLeg)).toBe(true);
    expect(await page.textContent('#chain li[data-step="token"]')).toMatch(
      /JWT issued \d\d:\d\d:\d\d UTC \(iat\)/,
    );

    // The decoded JWT's claims.
    const claim = (name: string) => page.textContent(`#claims tr[data-claim="${name}"] td`);
    expect(await claim('sub')).toMatch(/\S/);
    // Every route's resource (RFC 8707), and the gateway itself (its userinfo endpoint).
    expect(((await claim('aud')) ?? '').split(' ').sort()).toEqual(
      [gateway, `${gateway}/mcp/corp`, `${gateway}/mcp/github`, `${gateway}/mcp/all`].sort(),
    );
    expect(await claim('scope')).toBe('openid profile offline_access');
    expect(await claim('tsid')).toMatch(/^[\w-]{16,}$/);

    // Each backend got its own IdP's token (mock IdP tokens start with midp, the JWT with eyJ), masked.
    const received = (route: string) => page.textContent(`#backends tr[data-route="${route}"] .received`);
    expect(await received('/mcp/corp')).toMatch(/^Bearer midp.{2}… \(\d+ characters\)$/);
    expect(await received('/mcp/github')).toMatch(/^midp.{2}… \(\d+ characters\)$/);
    expect(await page.locator('#backends .jwt').allTextContents()).toEqual(['no', 'no']);
    expect(await page.textContent('#no-jwt')).toContain("No backend saw the gateway's JWT");

    // The aggregate route: one MCP session lists both MCP backends' tools under their prefixes,
    // and each backend's whoami got its own IdP's token (corp as a bearer, GitHub in its header).
    expect(await page.locator('#mcp-error').count()).toBe(0);
    const tools = await page.locator('#mcp-tools li').allTextContents();
    expect(tools).toEqual(
      expect.arrayContaining(['corp__whoami', 'corp__slow', 'github__whoami', 'github__slow']),
    );
    expect(tools.every((tool) => /^(corp|github)__/.test(tool))).toBe(true);
    const called = (tool: string) => page.textContent(`#mcp-calls tr[data-tool="${tool}"]`);
    const mcpReceived = (tool: string) => page.textContent(`#mcp-calls tr[data-tool="${tool}"] .received`);
    expect(await called('corp__whoami')).toMatch(/corp-mcp: Corp SSO token in authorization:/);
    expect(await mcpReceived('corp__whoami')).toMatch(/^Bearer midp.{2}… \(\d+ characters\)$/);
    expect(await called('github__whoami')).toMatch(/github-mcp: GitHub token in x-upstream-token:/);
    expect(await mcpReceived('github__whoami')).toMatch(/^midp.{2}… \(\d+ characters\)$/);
    expect(await page.locator('#mcp-calls .jwt').allTextContents()).toEqual(['no', 'no']);
    // Masked: no whole token on the page (a midp token is longer than its six-character prefix).
    expect(await page.content()).not.toMatch(/midp[\w-]{12,}/);
    await shot(page, '5-result');

    await page.click('#signout');
    await page.waitForURL(`${client}/signout`);
    expect(await page.textContent('#revoked')).toContain('HTTP 200');
    expect(await page.locator('#after .status').allTextContents()).toEqual(['401', '401']);
    expect(await page.textContent('#verdict')).toBe('Every protected route now answers 401.');
    await shot(page, '6-signed-out');

    // The session is gone: the result page sends the browser home.
    await page.goto(`${client}/result`);
    expect(page.url()).toBe(`${client}/`);
    await context.close();
  });

  it('the demo terminal stays human-readable: no JSON log lines', () => {
    const lines = demo
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.some((line) => line.includes('Demo ready'))).toBe(true);
    expect(lines.filter((line) => line.trimStart().startsWith('{"'))).toEqual([]);
  });
});
