import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { accessLog } from './access-log.js';
import { createLogger } from './create-logger.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

it('writes JSON lines by default, with token fields redacted', async () => {
  const out = capture();
  const logger = createLogger({ destination: out.stream });
  logger.info({ provider: 'corp', accessToken: 'at-secret-1' }, 'leg completed');
  await settle();
  const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
  expect(line).toMatchObject({
    level: 30,
    msg: 'leg completed',
    provider: 'corp',
    accessToken: '[redacted]',
  });
});

it('with format pretty, writes one short human line per entry, still redacted', async () => {
  const out = capture();
  const logger = createLogger({ format: 'pretty', destination: out.stream });
  logger.warn({ provider: 'corp', refreshToken: 'rt-secret-2' }, 'refresh failed');
  logger.info('ready');
  await settle();
  const lines = out.text().trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: refresh failed \{.*"provider":"corp"/);
  expect(lines[1]).toMatch(/INFO: ready$/);
  expect(out.text()).not.toContain('rt-secret-2');
  expect(() => JSON.parse(lines[0]!)).toThrow();
});

it('the access log follows the logger to its pretty destination', async () => {
  const out = capture();
  const logger = createLogger({ format: 'pretty', destination: out.stream });
  const middleware = accessLog(logger);
  const listeners: Array<() => void> = [];
  const res = { statusCode: 204, once: (_event: string, fn: () => void) => listeners.push(fn) };
  middleware({ method: 'GET', path: '/healthz' } as never, res as never, () => {});
  for (const fn of listeners) fn();
  await settle();
  expect(out.text()).toMatch(/INFO: request \{"method":"GET","path":"\/healthz","status":204/);
});
