import type { AggregateReport } from './aggregate-report.js';

/** One protected route of the demo and what its backend receives. */
export interface DemoRoute {
  path: string;
  /** The upstream whose token the backend receives. */
  upstream: string;
  /** The (lower-case) header carrying that token: `authorization`, or the route's custom header. */
  header: string;
}

/** One upstream of the chain, in order. */
export interface DemoUpstream {
  name: string;
  displayName: string;
}

/** One leg of the chain as the gateway recorded it. */
export interface LegReport {
  upstream: DemoUpstream;
  /** When the gateway obtained this upstream's tokens (epoch ms); absent when not known. */
  obtainedAt?: number;
}

/** What one backend answered. */
export interface BackendReport {
  route: DemoRoute;
  status: number;
  backend?: string;
  /** The upstream token as the backend received it, masked (a short prefix and the length). */
  received?: string;
  /** Headers that carried the gateway's JWT, as the echo backend reports; absent when it did not check. */
  jwtFrom?: string[];
}

/** The result page's content: the chain as it happened, the JWT's claims, what each backend got. */
export interface SignInReport {
  legs: LegReport[];
  claims: Record<string, unknown>;
  backends: BackendReport[];
  /** The aggregate route's merged tools and one call per backend, when the demo has one. */
  aggregate?: AggregateReport;
}

/** `midp_a…` plus the length: enough to tell tokens apart, never enough to use one. */
export function maskToken(value: string): string {
  const scheme = /^(Bearer|token) (.+)$/i.exec(value);
  const token = scheme?.[2] ?? value;
  return `${scheme === null ? '' : `${scheme[1]} `}${token.slice(0, 6)}… (${token.length} characters)`;
}

/** The payload of a compact JWS, decoded and not verified (the page only shows it). */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload: unknown = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new Error('the access token is not a JWT');
  return payload as Record<string, unknown>;
}

/** Calls one protected route with the access token and reads the echo backend's answer. */
export async function callRoute(
  gatewayUrl: string,
  route: DemoRoute,
  accessToken: string,
): Promise<BackendReport> {
  const answer = await fetch(new URL(route.path, gatewayUrl), {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(15_000),
  });
  if (answer.status !== 200) {
    await answer.body?.cancel();
    return { route, status: answer.status };
  }
  const echoed = (await answer.json()) as {
    backend?: string;
    headers?: Record<string, string | undefined>;
    jwtFrom?: string[];
  };
  const received = echoed.headers?.[route.header];
  return {
    route,
    status: answer.status,
    ...(echoed.backend === undefined ? {} : { backend: echoed.backend }),
    ...(received === undefined ? {} : { received: maskToken(received) }),
    ...(echoed.jwtFrom === undefined ? {} : { jwtFrom: echoed.jwtFrom }),
  };
}
