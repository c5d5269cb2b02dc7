import { freePort } from '@auth/test-kit';
import { describe, expect, it } from 'vitest';
import { callAggregate } from './aggregate-report.js';
import { resultPage } from './demo-pages.js';

describe('the aggregate route on the result page', () => {
  it('reports a route that does not answer as an error on the page, never a thrown 500', async () => {
    const port = await freePort();
    const report = await callAggregate(
      `http://127.0.0.1:${port}`,
      { path: '/mcp/all', backends: [{ name: 'corp', upstream: 'corp' }] },
      'eyJ.not-sent.anywhere',
    );
    expect(report).toMatchObject({ path: '/mcp/all', tools: [], calls: [] });
    expect(report.error).toMatch(/\S/);
  });

  it('lists the tools and each call, escaped, with a failed call shown as its MCP error', () => {
    const html = resultPage(
      {
        legs: [],
        claims: {},
        backends: [],
        aggregate: {
          path: '/mcp/all',
          tools: ['corp__whoami', 'github__<b>'],
          calls: [
            {
              tool: 'corp__whoami',
              upstream: 'corp',
              backend: 'corp-mcp',
              header: 'authorization',
              received: 'Bearer midp_a… (48 characters)',
              sawJwt: false,
            },
            { tool: 'github__whoami', upstream: 'github', sawJwt: false, error: 'github: sign in <again>' },
          ],
        },
      },
      [
        { name: 'corp', displayName: 'Corp SSO' },
        { name: 'github', displayName: 'GitHub' },
      ],
      200,
    );
    expect(html).toContain('<li><code>github__&lt;b&gt;</code></li>');
    expect(html).toContain('corp-mcp: Corp SSO token in <code>authorization</code>');
    expect(html).toContain('<span class="bad">github: sign in &lt;again&gt;</span>');
    expect(html).not.toContain('id="mcp-error"');
  });
});
