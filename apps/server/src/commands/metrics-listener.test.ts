import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.js';
import { serveFixture } from '../test-support/serve-fixture.js';
import { serveCommand } from './serve-command.js';

const fixture = serveFixture('auth-server-metrics-');

function serveWith(name: string, metrics: string[]) {
  const file = fixture.writeConfig(name, [
    'issuer: https://auth.example.com',
    ...metrics,
    'upstreams:',
    fixture.upstreamLine(),
    'routes:',
    '  - { path: /mcp, backend: http://127.0.0.1:9 }',
  ]);
  return serveCommand(file, { env: {}, logger: createLogger({ level: 'silent' }), listen: '127.0.0.1:0' });
}

describe('where a public gateway serves its metrics', { timeout: 30_000 }, () => {
  it('with metrics.listen: there only, at metrics.path; never on the public listener', async () => {
    const running = await serveWith('own-listener', [
      'metrics: { listen: "127.0.0.1:0", path: /internal/metrics }',
    ]);
    try {
      expect(running.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/internal\/metrics$/);
      const scraped = await fetch(running.metricsUrl!);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('# TYPE auth_logins_started_total counter');
      expect((await fetch(new URL('/metrics', running.metricsUrl!))).status).toBe(404);
      for (const path of ['/internal/metrics', '/metrics']) {
        const publicAnswer = await fetch(`${running.url}${path}`);
        expect(publicAnswer.status, path).toBe(404);
        expect(await publicAnswer.text()).not.toContain('auth_logins_started_total');
      }
    } finally {
      await running.stop();
    }
  });

  it('without metrics.listen: not served at all (a loopback issuer serves them on its listener)', async () => {
    const running = await serveWith('no-listener', []);
    try {
      expect(running.metricsUrl).toBeUndefined();
      expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
    } finally {
      await running.stop();
    }
  });
});
