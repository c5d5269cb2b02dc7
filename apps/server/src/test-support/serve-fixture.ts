import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockIdp, startMockIdp } from '@auth/test-kit';
import { afterAll, beforeAll } from 'vitest';

/** What a test of `serve` needs: a folder for config files and a real IdP (serve waits for its discovery). */
export interface ServeFixture {
  readonly idp: MockIdp;
  /** Writes `lines` as `<name>.yaml` in the folder; returns its path. */
  writeConfig(name: string, lines: readonly string[]): string;
  /** An `upstreams:` entry (YAML flow mapping) for the IdP. */
  upstreamLine(): string;
}

/** Registers the hooks that start the IdP and make the folder, and remove both after the file's tests. */
export function serveFixture(prefix: string): ServeFixture {
  const temp = mkdtempSync(join(tmpdir(), prefix));
  let idp: MockIdp | undefined;
  beforeAll(async () => {
    idp = await startMockIdp({ mode: 'oidc', clientId: 'gateway' });
  });
  afterAll(async () => {
    rmSync(temp, { recursive: true, force: true });
    await idp?.close();
  });
  return {
    get idp() {
      if (idp === undefined) throw new Error('the IdP starts in beforeAll');
      return idp;
    },
    writeConfig(name, lines) {
      const file = join(temp, `${name}.yaml`);
      writeFileSync(file, lines.join('\n'));
      return file;
    },
    upstreamLine() {
      return `  - { type: oidc, issuer: ${JSON.stringify(this.idp.issuer)}, client_id: gateway, scopes: [openid] }`;
    },
  };
}
