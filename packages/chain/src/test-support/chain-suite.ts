import type { Storage } from '@auth/storage';
import {
  Browser,
  browse,
  CLIENT_REDIRECT,
  clientAuth,
  insecure,
  login,
  refresh,
  runChain,
} from '@auth/test-kit';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorRedirect, expectNoLeaks, redeemCode, registeredClient } from './flow.js';
import { CORP_AND_GITHUB, type Harness } from './gateway-harness.js';
import { harnessPool } from './harness-pool.js';
import { type RecordingStorage, recordSessions } from './recording-storage.js';

/** Upstream token values of a session, for leak checks. */
export async function upstreamSecrets(storage: Storage, tsid: string): Promise<string[]> {
  const all = await storage.getAllUpstreamTokens(tsid);
  return Object.values(all).flatMap((t) =>
    [t.accessToken, t.refreshToken, t.idToken].filter((v) => v !== undefined),
  );
}

/**
 * The main chain scenarios (issue 5 "It must show" 1, 4, 5, 6), run on a storage
 * backend given by `makeStorage` (memory in the unit run, Redis in the integration run).
 */
export function chainSuite(label: string, makeStorage: () => Promise<Storage>) {
  describe(`chain on ${label}`, () => {
    let h: Harness;
    const pool = harnessPool(makeStorage, recordSessions);
    const start = pool.start;
    beforeAll(async () => {
      h = await start({ upstreams: CORP_AND_GITHUB });
    });
    afterEach(() => {
      for (const idp of Object.values(h.idps)) idp.clearFaults();
    });
    afterAll(() => pool.closeAll());

    it('runs the two-upstream chain end to end with oauth4webapi', async () => {
      const fc = await registeredClient(h);
      const resource = h.resource('/mcp/github');
      const run = await login(fc, { scope: 'openid offline_access', resource });
      const hops = run.ride.hops.map((u) => `${u.origin}${u.pathname}`);
      const corp = h.idps['corp']!;
      const github = h.idps['github']!;
      expect(hops).toEqual([
        `${h.issuer}/oauth/authorize`,
        `${h.issuer}/oauth/consent`,
        `${corp.url}/authorize`,
        `${h.issuer}/oauth/callback/corp`,
        `${github.url}/login/oauth/authorize`,
        `${h.issuer}/oauth/callback/github`,
      ]);
      expect(run.ride.consentShown).toBe(true);
      expect(run.ride.redirectStatus).toBe(303);
      expect(run.callback.searchParams.get('iss')).toBe(h.issuer);
      expect(run.callback.searchParams.get('state')).toBe(run.request.state);

      const accessToken = run.tokens.access_token;
      const header = decodeProtectedHeader(accessToken);
      expect(header.typ).toBe('at+jwt');
      expect(header.kid).toBe(h.as.jwks().keys[0]!.kid);
      const jwks = (await (await fetch(`${h.issuer}/.well-known/jwks.json`)).json()) as { keys: [] };
      const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks), {
        issuer: h.issuer,
        audience: resource,
        typ: 'at+jwt',
      });
      expect(payload['client_id']).toBe(fc.client.client_id);
      expect(payload['scope']).toBe('openid offline_access');
      expect(typeof payload['tsid']).toBe('string');
      // With openid, the AS names itself too (userinfo, RFC 9068 §4).
      expect(payload.aud).toEqual([resource, h.issuer]);
      // oauth4webapi's own RFC 9068 validation.
      const claims = await oauth.validateJwtAccessToken(
        fc.as,
        new Request(resource, { headers: { authorization: `Bearer ${accessToken}` } }),
        resource,
        insecure,
      );
      expect(claims.sub).toBe(payload.sub);
      expect(run.tokens.refresh_token).toBeTypeOf('string');
      expect(oauth.getValidatedIdTokenClaims(run.tokens)?.nonce).toBe(run.request.nonce);

      const tsid = payload['tsid'] as string;
      const stored = await h.storage.getAllUpstreamTokens(tsid);
      expect(Object.keys(stored).sort()).toEqual(['corp', 'github']);
      expect(stored['corp']!.accessToken.startsWith(corp.tokenPrefix)).toBe(true);
      expect(stored['github']!.accessToken.startsWith(github.tokenPrefix)).toBe(true);
      expect(stored['corp']!.userId).toBe(payload.sub);
      expect(stored['github']!.userId).toBe(payload.sub);
      expect(stored['github']!.clientId).toBe(fc.client.client_id);
      expect(stored['corp']!.obtainedAt).toBeLessThanOrEqual(Date.now());
      expect(stored['corp']!.expiresAt).toBeGreaterThan(Date.now());

      // Both provider identities belong to one user (issue 5, item 5).
      expect(await h.storage.getUserIdByProviderIdentity('corp', 'user-corp')).toBe(payload.sub);
      expect(stored['github']!.upstreamSubject).toMatch(/^\d+$/);
      expect(await h.storage.getUserIdByProviderIdentity('github', stored['github']!.upstreamSubject)).toBe(
        payload.sub,
      );

      expectNoLeaks(h, [
        accessToken,
        run.tokens.refresh_token,
        run.tokens.id_token,
        run.callback.searchParams.get('code') ?? undefined,
        ...(await upstreamSecrets(h.storage, tsid)),
      ]);
    });

    it('remembers consent per browser and client', async () => {
      const fc = await registeredClient(h);
      const browser = new Browser();
      const first = await runChain(fc, {}, { browser });
      expect(first.ride.consentShown).toBe(true);
      const second = await runChain(fc, {}, { browser });
      expect(second.ride.consentShown).toBe(false);
      expect(second.callback.searchParams.get('code')).toBeTypeOf('string');
      const asked = await runChain(fc, { prompt: 'consent' }, { browser });
      expect(asked.ride.consentShown).toBe(true);
      const other = await registeredClient(h);
      const third = await runChain(other, {}, { browser });
      expect(third.ride.consentShown).toBe(true);
    });

    it('links a second login of the same people to the same user, with a fresh tsid', async () => {
      const fc = await registeredClient(h);
      const a = await login(fc);
      const b = await login(fc);
      const ca = oauth.getValidatedIdTokenClaims(a.tokens)!;
      const cb = oauth.getValidatedIdTokenClaims(b.tokens)!;
      expect(ca.sub).toBe(cb.sub);
      const ta = (await introspectTsid(h, a.tokens.access_token))!;
      const tb = (await introspectTsid(h, b.tokens.access_token))!;
      expect(ta).not.toBe(tb);
    });

    it('ignores a client-sent tsid or session id', async () => {
      const fc = await registeredClient(h);
      const planted = 'attacker-chosen-session-id';
      const run = await login(fc, { tsid: planted, session_id: planted, sid: planted });
      const tsid = await introspectTsid(h, run.tokens.access_token);
      expect(tsid).not.toBe(planted);
      expect(await h.storage.getAllUpstreamTokens(planted)).toEqual({});
    });

    it('refuses a replayed callback state', async () => {
      const fc = await registeredClient(h);
      const run = await runChain(fc);
      const corpCallback = run.ride.hops.find((u) => u.pathname === '/oauth/callback/corp')!;
      const replay = await fetch(corpCallback, { redirect: 'manual' });
      expect(replay.status).toBe(400);
      expect(replay.headers.get('location')).toBeNull();
      expect(await replay.text()).toContain('invalid_request');
    });

    it('refuses a callback on another provider path (mix-up) and clears the session', async () => {
      const fc = await registeredClient(h);
      const storage = h.storage as RecordingStorage;
      storage.sessionIds.clear();
      const githubTokenCalls = () =>
        h.idps['github']!.requests().filter((r) => r.path.endsWith('/access_token')).length;
      const before = githubTokenCalls();
      const run = await runChain(
        fc,
        {},
        {
          beforeHop: (url) =>
            url.pathname === '/oauth/callback/github'
              ? new URL(url.href.replace('/callback/github', '/callback/corp'))
              : undefined,
        },
      );
      expectErrorRedirect(run, 'access_denied', h.issuer);
      // The github code was never redeemed, and corp's stored tokens were deleted.
      expect(githubTokenCalls()).toBe(before);
      const held = await storage.heldTokens();
      expect(Object.keys(held)).toHaveLength(1);
      expect(Object.values(held)).toEqual([[]]);
      expect(h.logs.lines.some((l) => l.includes('callback on corp for a leg of github'))).toBe(true);
    });

    it('refuses a leg URL finished in another browser (the chain is bound to the browser that started it)', async () => {
      const fc = await registeredClient(h);
      const corp = h.idps['corp']!;
      const tokenCalls = () => corp.requests().filter((r) => r.path.endsWith('/token')).length;
      // The attacker starts a chain and stops at the first IdP...
      const started = await runChain(fc, {}, { stopAt: `${corp.url}/authorize` });
      const before = tokenCalls();
      // ...and has the victim's browser (no cookies of that chain) finish the leg.
      const victim = await browse(started.callback, { browser: new Browser(), stopAt: CLIENT_REDIRECT });
      expect(victim.final.searchParams.get('error')).toBe('access_denied');
      expect(victim.final.searchParams.get('state')).toBe(started.request.state);
      expect(victim.final.searchParams.get('code')).toBeNull();
      // The victim's code at corp was never redeemed.
      expect(tokenCalls()).toBe(before);
    });

    it('deletes leg 1 tokens when the required leg 2 fails', async () => {
      const fc = await registeredClient(h);
      const storage = h.storage as RecordingStorage;
      storage.sessionIds.clear();
      h.idps['github']!.setFaults({ token_status: 502 });
      const run = await runChain(fc);
      expectErrorRedirect(run, 'temporarily_unavailable', h.issuer);
      const held = await storage.heldTokens();
      expect(Object.keys(held)).toHaveLength(1);
      expect(Object.values(held)).toEqual([[]]);
    });

    it('gives exactly one success to two concurrent code redemptions, then revokes that grant', async () => {
      const fc = await registeredClient(h);
      const run = await runChain(fc);
      const redeemOnce = () => redeemCode(fc, run);
      const results = await Promise.all([redeemOnce(), redeemOnce()]);
      const ok = results.filter((r) => r.status === 200);
      const failed = results.filter((r) => r.status !== 200);
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.status).toBe(400);
      expect(failed[0]!.body['error']).toBe('invalid_grant');
      const issued = ok[0]!.body;
      const tsid = await introspectTsid(h, issued['access_token']!);
      expect(await h.storage.getAllUpstreamTokens(tsid!)).toEqual({});
      const refreshed = await refresh(fc.as, fc.client, issued['refresh_token']!);
      expect(refreshed.status).toBe(400);
      expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');
      // A third try is refused too.
      const third = await redeemOnce();
      expect(third.body['error']).toBe('invalid_grant');
    });

    it('rotates refresh tokens, keeps the tsid, and revokes the grant on reuse', async () => {
      const fc = await registeredClient(h);
      const run = await login(fc);
      const tsid = await introspectTsid(h, run.tokens.access_token);
      const first = await oauth.processRefreshTokenResponse(
        fc.as,
        fc.client,
        await refresh(fc.as, fc.client, run.tokens.refresh_token!),
      );
      expect(first.refresh_token).toBeTypeOf('string');
      expect(first.refresh_token).not.toBe(run.tokens.refresh_token);
      expect(await introspectTsid(h, first.access_token)).toBe(tsid);
      expect(Object.keys(await h.storage.getAllUpstreamTokens(tsid!)).sort()).toEqual(['corp', 'github']);
      // Reuse of the rotated token: invalid_grant, whole grant revoked, upstream tokens deleted.
      const reuse = await refresh(fc.as, fc.client, run.tokens.refresh_token!);
      expect(reuse.status).toBe(400);
      expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
      expect(await h.storage.getAllUpstreamTokens(tsid!)).toEqual({});
      const current = await refresh(fc.as, fc.client, first.refresh_token!);
      expect(current.status).toBe(400);
      expectNoLeaks(h, [run.tokens.refresh_token, first.refresh_token, first.access_token]);
    });

    it('issues refresh tokens only with offline_access', async () => {
      const fc = await registeredClient(h);
      const run = await login(fc, { scope: 'openid' });
      expect(run.tokens.refresh_token).toBeUndefined();
      expect(run.tokens.scope).toBe('openid');
    });

    it('revokes a refresh token (RFC 7009): grant ended, upstream tokens deleted', async () => {
      const fc = await registeredClient(h);
      const run = await login(fc);
      const tsid = await introspectTsid(h, run.tokens.access_token);
      const response = await oauth.revocationRequest(
        fc.as,
        fc.client,
        clientAuth(fc.client),
        run.tokens.refresh_token!,
        insecure,
      );
      await oauth.processRevocationResponse(response);
      expect(await h.storage.getAllUpstreamTokens(tsid!)).toEqual({});
      const after = await refresh(fc.as, fc.client, run.tokens.refresh_token!);
      expect(after.status).toBe(400);
      const unknown = await oauth.revocationRequest(
        fc.as,
        fc.client,
        clientAuth(fc.client),
        'not-a-token',
        insecure,
      );
      expect(unknown.status).toBe(200);
    });

    it('links later legs to the first leg user; a conflicting identity fails with access_denied', async () => {
      const fc = await registeredClient(h);
      const corp = new URL(h.idps['corp']!.url).origin;
      const github = new URL(h.idps['github']!.url).origin;
      // Alice: corp alice + github alice.
      const alice = await login(fc, {}, { loginAs: { [corp]: 'alice', [github]: 'alice' } });
      const aliceSub = oauth.getValidatedIdTokenClaims(alice.tokens)!.sub;
      expect(await h.storage.getUserIdByProviderIdentity('corp', 'alice')).toBe(aliceSub);
      // Mallory at corp, then github's alice: that identity belongs to Alice.
      const run = await runChain(fc, {}, { loginAs: { [corp]: 'mallory', [github]: 'alice' } });
      expectErrorRedirect(run, 'access_denied', h.issuer);
      const mallory = await h.storage.getUserIdByProviderIdentity('corp', 'mallory');
      expect(mallory).toBeTypeOf('string');
      expect(mallory).not.toBe(aliceSub);
    });

    it('stores a lone unnamed upstream as default', async () => {
      const single = await start({ upstreams: [{ name: 'default', mode: 'oidc' }] });
      const fc = await registeredClient(single);
      const run = await login(fc);
      const tsid = await introspectTsid(single, run.tokens.access_token);
      expect(Object.keys(await single.storage.getAllUpstreamTokens(tsid!))).toEqual(['default']);
      const { payload } = await jwtVerify(run.tokens.access_token, createLocalJWKSet(single.as.jwks()));
      expect(payload.aud).toEqual([single.resource('/mcp/default'), single.issuer]);
    });

    it('walks three upstreams in order; aud is every resource when none was requested', async () => {
      const three = await start({
        upstreams: [
          { name: 'corp', mode: 'oidc' },
          { name: 'github', mode: 'oauth2' },
          { name: 'docs', mode: 'oidc' },
        ],
      });
      const fc = await registeredClient(three);
      const run = await login(fc);
      const callbacks = run.ride.hops
        .filter((u) => u.pathname.startsWith('/oauth/callback/'))
        .map((u) => u.pathname);
      expect(callbacks).toEqual(['/oauth/callback/corp', '/oauth/callback/github', '/oauth/callback/docs']);
      const { payload } = await jwtVerify(run.tokens.access_token, createLocalJWKSet(three.as.jwks()));
      expect(payload.aud).toEqual([
        ...['/mcp/corp', '/mcp/github', '/mcp/docs'].map((p) => three.resource(p)),
        three.issuer,
      ]);
      const stored = await three.storage.getAllUpstreamTokens(payload['tsid'] as string);
      expect(Object.keys(stored).sort()).toEqual(['corp', 'docs', 'github']);
      expect(stored['docs']!.accessToken.startsWith(three.idps['docs']!.tokenPrefix)).toBe(true);
    });

    it('redirects to the client only at the registered URI', async () => {
      const fc = await registeredClient(h);
      const run = await runChain(fc);
      expect(run.callback.href.startsWith(`${CLIENT_REDIRECT}?`)).toBe(true);
    });
  });
}

/** The `tsid` of an access token, read with RFC 7662 introspection by a confidential client. */
export async function introspectTsid(h: Harness, accessToken: string): Promise<string | undefined> {
  const { payload } = await jwtVerify(accessToken, createLocalJWKSet(h.as.jwks()), { issuer: h.issuer });
  return payload['tsid'] as string | undefined;
}
