import type { Storage } from '@auth/storage';
import {
  CLIENT_REDIRECT,
  clientAuth,
  type FlowClient,
  insecure,
  login,
  redeem,
  refresh,
  runChain,
} from '@auth/test-kit';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectNoLeaks, redeemCode, registeredClient } from './flow.js';
import { CORP_AND_GITHUB, type Harness } from './gateway-harness.js';
import { harnessPool } from './harness-pool.js';

/** A confidential client (it may introspect: RFC 7662 §2.1) registered at the harness. */
function confidentialClient(h: Harness): Promise<FlowClient> {
  return registeredClient(h, { token_endpoint_auth_method: 'client_secret_basic' });
}

/** RFC 7662 introspection by `fc` (refresh tokens are answered only to the client they belong to). */
async function introspectAs(fc: FlowClient, token: string): Promise<Record<string, unknown>> {
  const response = await oauth.introspectionRequest(fc.as, fc.client, clientAuth(fc.client), token, insecure);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function userinfo(h: Harness, accessToken: string): Promise<Response> {
  return fetch(`${h.issuer}/oauth/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

async function refreshError(
  fc: FlowClient,
  refreshToken: string,
): Promise<{ status: number; error: string }> {
  const response = await refresh(fc.as, fc.client, refreshToken);
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

/** RFC 7009 revocation by `fc`, which must succeed (200). */
async function revoke(fc: FlowClient, token: string, hint?: 'access_token'): Promise<void> {
  const extra = hint === undefined ? {} : { additionalParameters: { token_type_hint: hint } };
  await oauth.processRevocationResponse(
    await oauth.revocationRequest(fc.as, fc.client, clientAuth(fc.client), token, { ...insecure, ...extra }),
  );
}

const tsidOf = (accessToken: string) => decodeJwt(accessToken)['tsid'] as string;

/**
 * Grant revocation reaches the grant's access tokens at the AS (RFC 7009 §2, RFC 7662 §2.2), and
 * a grant lives only as long as its session can serve (RFC 6749 §5.2 `invalid_grant` on refresh).
 * Run on a storage backend given by `makeStorage`.
 */
export function grantRevocationSuite(label: string, makeStorage: () => Promise<Storage>) {
  describe(`grant revocation on ${label}`, () => {
    let h: Harness;
    let fc: FlowClient;
    const introspect = (token: string) => introspectAs(fc, token);
    const pool = harnessPool(makeStorage);
    const start = pool.start;
    beforeAll(async () => {
      h = await start({ upstreams: CORP_AND_GITHUB });
    });
    beforeEach(async () => {
      fc = await confidentialClient(h);
    });
    afterAll(() => pool.closeAll());

    /** The access token works at introspection and userinfo before the revocation under test. */
    async function expectLive(accessToken: string): Promise<void> {
      expect(await introspect(accessToken)).toMatchObject({ active: true, tsid: tsidOf(accessToken) });
      expect((await userinfo(h, accessToken)).status).toBe(200);
    }

    /** Still an unexpired, well-signed JWT, but its grant is gone: inactive, and userinfo refuses it. */
    async function expectRevoked(accessToken: string): Promise<void> {
      expect(decodeJwt(accessToken).exp! * 1000).toBeGreaterThan(Date.now());
      expect(await introspect(accessToken)).toEqual({ active: false });
      const answer = await userinfo(h, accessToken);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await answer.json()).toMatchObject({ error: 'invalid_token' });
    }

    it('refresh-token revocation (RFC 7009): the access tokens of the grant are inactive at once', async () => {
      const run = await login(fc, { scope: 'openid offline_access' });
      await expectLive(run.tokens.access_token);
      await revoke(fc, run.tokens.refresh_token!);
      await expectRevoked(run.tokens.access_token);
      expect(await introspect(run.tokens.refresh_token!)).toEqual({ active: false });
    });

    it('access-token revocation (RFC 7009): inactive at once, and the grant cannot be refreshed any more', async () => {
      const run = await login(fc);
      await expectLive(run.tokens.access_token);
      await revoke(fc, run.tokens.access_token, 'access_token');
      await expectRevoked(run.tokens.access_token);
      expect(await refreshError(fc, run.tokens.refresh_token!)).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
      expect(await h.storage.getGrant(run.tokens.refresh_token!.split('.')[0]!)).toBeUndefined();
    });

    it('code replay (RFC 6749 §4.1.2): the access token the first redemption issued is inactive', async () => {
      const run = await runChain(fc, { scope: 'openid offline_access' });
      const first = await redeemCode(fc, run);
      expect(first.status).toBe(200);
      const accessToken = first.body['access_token']!;
      await expectLive(accessToken);
      expect(await redeemCode(fc, run)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      await expectRevoked(accessToken);
      expect(await introspect(first.body['refresh_token']!)).toEqual({ active: false });
    });

    it('refresh-token reuse (RFC 9700 §4.14.2): every access token of the grant is inactive', async () => {
      const run = await login(fc);
      const rotated = await oauth.processRefreshTokenResponse(
        fc.as,
        fc.client,
        await refresh(fc.as, fc.client, run.tokens.refresh_token!),
      );
      await expectLive(run.tokens.access_token);
      await expectLive(rotated.access_token);
      expect(await refreshError(fc, run.tokens.refresh_token!)).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
      await expectRevoked(run.tokens.access_token);
      await expectRevoked(rotated.access_token);
      expectNoLeaks(h, [run.tokens.refresh_token, rotated.refresh_token, rotated.access_token]);
    });

    it('a session that lost a required upstream: the refresh is invalid_grant and ends the whole grant (regression: it minted JWTs for the dead session)', async () => {
      const run = await login(fc);
      const tsid = tsidOf(run.tokens.access_token);
      await expectLive(run.tokens.access_token);
      expect(await introspect(run.tokens.refresh_token!)).toMatchObject({ active: true });
      // What refresh on read does when the upstream answers invalid_grant: that provider's tokens go.
      await h.storage.deleteUpstreamTokensForProvider(tsid, 'github');
      // The grant can no longer serve: introspection and userinfo say so before any refresh...
      await expectRevoked(run.tokens.access_token);
      expect(await introspect(run.tokens.refresh_token!)).toEqual({ active: false });
      // ...and the refresh ends it, so the client runs a new authorization instead of looping.
      const refused = await refresh(fc.as, fc.client, run.tokens.refresh_token!);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');
      expect(await h.storage.getAllUpstreamTokens(tsid)).toEqual({});
      expect(await h.storage.getGrant(run.tokens.refresh_token!.split('.')[0]!)).toBeUndefined();
      await expectRevoked(run.tokens.access_token);
      expect(h.logs.lines.some((l) => l.includes('grant.revoked') && l.includes('github'))).toBe(true);

      // A new authorization is a new session that walks every upstream again.
      const again = await login(fc, {}, { browser: run.ride.browser });
      const callbacks = again.ride.hops.filter((u) => u.pathname.startsWith('/oauth/callback/'));
      expect(callbacks.map((u) => u.pathname)).toEqual(['/oauth/callback/corp', '/oauth/callback/github']);
      expect(tsidOf(again.tokens.access_token)).not.toBe(tsid);
      await expectLive(again.tokens.access_token);
      expect((await refresh(fc.as, fc.client, again.tokens.refresh_token!)).status).toBe(200);
    });

    it('a required upstream whose access token expired without a refresh token ends the grant at refresh', async () => {
      const run = await login(fc);
      const tsid = tsidOf(run.tokens.access_token);
      const held = await h.storage.getUpstreamTokens(tsid, 'github');
      const { refreshToken: _dropped, ...rest } = held!;
      await h.storage.storeUpstreamTokens(tsid, 'github', { ...rest, expiresAt: Date.now() - 1000 });
      await expectRevoked(run.tokens.access_token);
      expect(await refreshError(fc, run.tokens.refresh_token!)).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
      expect(await h.storage.getAllUpstreamTokens(tsid)).toEqual({});
    });

    it('an expired upstream access token with a refresh token keeps the grant (refresh on read renews it)', async () => {
      const run = await login(fc);
      const tsid = tsidOf(run.tokens.access_token);
      const held = await h.storage.getUpstreamTokens(tsid, 'github');
      expect(held?.refreshToken).toBeTypeOf('string');
      await h.storage.storeUpstreamTokens(tsid, 'github', { ...held!, expiresAt: Date.now() - 1000 });
      await expectLive(run.tokens.access_token);
      expect((await refresh(fc.as, fc.client, run.tokens.refresh_token!)).status).toBe(200);
    });

    it('an optional upstream lost or skipped does not end the grant', async () => {
      const withOptional = await start({
        upstreams: [
          { name: 'corp', mode: 'oidc' },
          { name: 'docs', mode: 'oidc', optional: true },
        ],
      });
      const oc = await confidentialClient(withOptional);
      const run = await login(oc);
      const tsid = tsidOf(run.tokens.access_token);
      expect(Object.keys(await withOptional.storage.getAllUpstreamTokens(tsid)).sort()).toEqual([
        'corp',
        'docs',
      ]);
      await withOptional.storage.deleteUpstreamTokensForProvider(tsid, 'docs');
      expect((await userinfo(withOptional, run.tokens.access_token)).status).toBe(200);
      expect((await refresh(oc.as, oc.client, run.tokens.refresh_token!)).status).toBe(200);

      withOptional.idps['docs']!.setFaults({ authorize_error: 'access_denied' });
      const skipped = await runChain(oc, { scope: 'openid offline_access' });
      withOptional.idps['docs']!.clearFaults();
      expect(skipped.callback.href.startsWith(CLIENT_REDIRECT)).toBe(true);
      const tokens = await redeem(oc.as, oc.client, skipped.callback, skipped.request);
      expect(
        Object.keys(await withOptional.storage.getAllUpstreamTokens(tsidOf(tokens.access_token))),
      ).toEqual(['corp']);
      expect((await userinfo(withOptional, tokens.access_token)).status).toBe(200);
      expect((await refresh(oc.as, oc.client, tokens.refresh_token!)).status).toBe(200);
    });
  });
}
