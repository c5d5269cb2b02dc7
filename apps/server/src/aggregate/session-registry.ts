import type { AggregateSession } from './aggregate-session.js';

/** Counts of an aggregate route, as a gateway reports them. */
export interface AggregateStats {
  /** Client MCP sessions open. */
  sessions: number;
  /** Backend MCP sessions open (at most one per backend per client session). */
  backendSessions: number;
}

/** Why a new client session was refused. */
export type AdmissionRefusal = 'per_gateway_session' | 'total';

/**
 * The open client sessions of one aggregate route, by MCP session id, with their bounds:
 * per gateway session (one login) and in total.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, AggregateSession>();
  /** Sessions admitted but not yet given an id (their initialize is being answered). */
  private readonly pending = new Set<AggregateSession>();
  private backendSessions = 0;

  constructor(private readonly bounds: { perGatewaySession: number; total: number }) {}

  get(sessionId: string): AggregateSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** Whether one more session of `gatewaySessionId` fits; `undefined` when it does. */
  refusal(gatewaySessionId: string): AdmissionRefusal | undefined {
    const all = [...this.sessions.values(), ...this.pending];
    if (all.length >= this.bounds.total) return 'total';
    const own = all.filter((session) => session.gatewaySessionId === gatewaySessionId).length;
    return own >= this.bounds.perGatewaySession ? 'per_gateway_session' : undefined;
  }

  /** Counts `session` while its initialize is answered. */
  admit(session: AggregateSession): void {
    this.pending.add(session);
  }

  /** The session got its id. */
  register(sessionId: string, session: AggregateSession): void {
    this.pending.delete(session);
    this.sessions.set(sessionId, session);
  }

  /** The session ended. */
  remove(session: AggregateSession): void {
    this.pending.delete(session);
    for (const [id, candidate] of this.sessions) if (candidate === session) this.sessions.delete(id);
  }

  backendSession(delta: 1 | -1): void {
    this.backendSessions += delta;
  }

  /** Every session, e.g. to close them on shutdown. */
  all(): AggregateSession[] {
    return [...this.sessions.values(), ...this.pending];
  }

  stats(): AggregateStats {
    return { sessions: this.sessions.size + this.pending.size, backendSessions: this.backendSessions };
  }
}
