import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { runLoad } from '../load.js';
import { formatRatio, formatSummary, type Row, type ScenarioResult } from '../report.js';
import { alternate } from '../rounds.js';
import { pairedRatios, summarize } from '../stats.js';
import { startBenchServer } from '../systems.js';
import type { ScenarioContext } from './context.js';
import { assertServes } from './gateway-logins.js';

const ISSUER = 'https://as.bench.example';
const AUDIENCE = 'https://mcp.bench.example/resource';

type Subject = 'identity-reused' | 'peer-reused' | 'identity-rotated' | 'peer-rotated' | 'no-validation';

/** Serves a JWKS on loopback from the bench process (fetched once by each app, then cached). */
async function serveJwks(jwks: object): Promise<{ url: string; close(): void }> {
  const body = JSON.stringify(jwks);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

/**
 * Scenario 2: bearer validation by `@auth/identity` against `express-oauth2-jwt-bearer`, each
 * in an express app of its own process, on the same ES256 access tokens (RFC 9068 shape) and
 * the same JWKS URL: one token reused (what a client does between refreshes) and many distinct
 * tokens rotated (every request a cache miss).
 */
export async function tokenValidationScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { settings, group } = ctx;
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = await serveJwks({
    keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }],
  });
  try {
    ctx.progress(`signing ${settings.distinctTokens + 1} ES256 tokens; starting both apps`);
    const sign = (i: number) =>
      new SignJWT({ client_id: 'bench', scope: 'mcp', tsid: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(`user-${i}`)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(privateKey);
    const reused = `Bearer ${await sign(0)}`;
    const distinct: string[] = [];
    for (let i = 1; i <= settings.distinctTokens; i += 1) distinct.push(`Bearer ${await sign(i)}`);

    const args = [ISSUER, AUDIENCE, jwks.url];
    const [identity, peer, ceiling] = await Promise.all([
      startBenchServer(group, 'identity-app', 'identity-app.ts', args),
      startBenchServer(group, 'peer-jwt-app', 'peer-jwt-app.ts', args),
      startBenchServer(group, 'no-validation-app', 'no-validation-app.ts', []),
    ]);
    const url = (subject: Subject) =>
      `${subject === 'no-validation' ? ceiling.ready : subject.startsWith('identity') ? identity.ready : peer.ready}/resource`;
    for (const subject of ['identity-reused', 'peer-reused'] as const) {
      await assertServes(url(subject), { authorization: reused });
    }
    const load = (subject: Subject, durationSeconds: number) =>
      runLoad({
        url: url(subject),
        connections: settings.connections,
        durationSeconds,
        ...(subject.endsWith('rotated')
          ? { rotateAuthorization: distinct }
          : { headers: { authorization: reused } }),
      });
    const subjects: Subject[] = [
      'identity-reused',
      'peer-reused',
      'no-validation',
      'identity-rotated',
      'peer-rotated',
    ];
    if (settings.warmupSeconds > 0) {
      ctx.progress(`warm-up: ${settings.warmupSeconds} s each`);
      for (const subject of subjects) await load(subject, settings.warmupSeconds);
    }
    ctx.progress(
      `${settings.rounds} alternated rounds of ${settings.durationSeconds} s × ${subjects.length}`,
    );
    const rounds = await alternate(subjects, settings.rounds, (subject) =>
      load(subject, settings.durationSeconds),
    );

    const rows: Row[] = [];
    for (const [mode, goal, goalText] of [
      ['reused', (r: number) => r >= 2, '≥ 2.00'],
      ['rotated', (r: number) => r >= 1, '≥ 1.00'],
    ] as const) {
      const label = mode === 'reused' ? 'one token reused' : `${settings.distinctTokens} tokens rotated`;
      const ours = rounds[`identity-${mode}`];
      const theirs = rounds[`peer-${mode}`];
      for (const metric of ['rps', 'p99'] as const) {
        const a = summarize(ours.map((r) => r[metric]));
        const b = summarize(theirs.map((r) => r[metric]));
        const ratio = a.median / b.median;
        const unit = metric === 'rps' ? '' : ' ms';
        const digits = metric === 'rps' ? 0 : 1;
        rows.push({
          scenario: 2,
          measure: `${metric === 'rps' ? 'validations req/s' : 'p99 latency'}, ${label}`,
          ours: formatSummary(a, digits, unit),
          reference: `express-oauth2-jwt-bearer ${formatSummary(b, digits, unit)}`,
          ratio: formatRatio(
            ratio,
            summarize(
              pairedRatios(
                ours.map((r) => r[metric]),
                theirs.map((r) => r[metric]),
              ),
            ),
          ),
          ...(metric === 'rps' ? { goal: goalText, met: goal(ratio) } : {}),
        });
      }
    }
    // The same app without any validation: no validator can beat it, so this bounds the reused-token ratio.
    const noValidation = summarize(rounds['no-validation'].map((r) => r.rps));
    const peerReused = rounds['peer-reused'].map((r) => r.rps);
    rows.splice(2, 0, {
      scenario: 2,
      measure: 'req/s of the same app with no validation (the ceiling of any validator)',
      ours: formatSummary(noValidation, 0, ''),
      reference: `express-oauth2-jwt-bearer ${formatSummary(summarize(peerReused), 0, '')}`,
      ratio: formatRatio(
        noValidation.median / summarize(peerReused).median,
        summarize(
          pairedRatios(
            rounds['no-validation'].map((r) => r.rps),
            peerReused,
          ),
        ),
      ),
    });
    const bad = subjects
      .flatMap((s) => rounds[s])
      .reduce((n, r) => n + r.non2xx + r.errors + r.closedByServer, 0);
    rows.push({
      scenario: 2,
      measure: 'non-2xx + errors + closed connections, all three apps',
      ours: String(bad),
      goal: '0',
      met: bad === 0,
    });
    return {
      id: 2,
      title: '@auth/identity vs express-oauth2-jwt-bearer, same ES256 tokens',
      rows,
      data: { distinctTokens: settings.distinctTokens, rounds },
    };
  } finally {
    jwks.close();
  }
}
