import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.js';
import { serveFixture } from '../test-support/serve-fixture.js';
import { checkCommand } from './check-command.js';
import { serveCommand } from './serve-command.js';

// `serve` waits for the upstream's discovery: a real IdP answers it.
const fixture = serveFixture('auth-server-loopback-');

function writeConfig(issuer: string): string {
  return fixture.writeConfig(encodeURIComponent(issuer), [
    `issuer: ${JSON.stringify(issuer)}`,
    'upstreams:',
    fixture.upstreamLine(),
    'routes:',
    '  - { path: /mcp, backend: http://127.0.0.1:9 }',
  ]);
}

/** Whether `serve` starts with this config (port 0, so nothing else on the host is in the way). */
async function serves(file: string): Promise<boolean> {
  let running: Awaited<ReturnType<typeof serveCommand>>;
  try {
    running = await serveCommand(file, { env: {}, logger: createLogger({ level: 'silent' }), port: 0 });
  } catch {
    return false;
  }
  await running.stop();
  return true;
}

// RFC 8252 §7.3 / §8.3: plain http is allowed only on a loopback host (any 127.0.0.0/8 address, [::1],
// localhost). One rule, so `check` and `serve` must agree on every issuer.
describe('an http issuer on loopback: `check` and `serve` give the same answer', { timeout: 60_000 }, () => {
  it.each([
    ['http://127.0.0.1:8080', true],
    // Regression: `check` accepted 127.0.0.2, then `serve` refused it (ERR_CHAIN_INVALID_ISSUER).
    ['http://127.0.0.2:8080', true],
    ['http://127.255.255.254:8080', true],
    ['http://localhost:8080', true],
    ['http://[::1]:8080', true],
    ['http://127.0.0.1:8080/tenant', true],
    // Not in canonical form: the URL parser reads it as 127.0.0.1, the issuer must be spelled so.
    ['http://127.1:8080', false],
    ['http://[::ffff:127.0.0.1]:8080', false],
    ['http://128.0.0.1:8080', false],
    ['http://gateway.example.com', false],
    ['http://localhost.example.com:8080', false],
    ['http://127.0.0.1.example.com:8080', false],
    ['http://0.0.0.0:8080', false],
  ])('%s → %s', async (issuer, accepted) => {
    const file = writeConfig(issuer);
    const check = await checkCommand(file, {});
    expect({ check: check.exitCode === 0, serve: await serves(file) }).toEqual({
      check: accepted,
      serve: accepted,
    });
  });
});
