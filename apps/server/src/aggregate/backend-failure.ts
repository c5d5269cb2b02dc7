import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * Why a backend of an aggregate route cannot answer:
 * - `sign_in_required`: the provider's token is missing, expired, revoked or refused by the backend;
 *   signing in again (a new authorization at the gateway) fixes it;
 * - `provider_unavailable`: the provider failed transiently (refresh could not reach it): retry later;
 * - `backend_unavailable`: the backend MCP server cannot be reached: retry later.
 */
export type BackendFailureReason = 'sign_in_required' | 'provider_unavailable' | 'backend_unavailable';

/** JSON-RPC error code (implementation-defined server range) of a backend failure outside `tools/call`. */
export const BACKEND_FAILURE_CODE = -32010;

/** The `_meta` key of a `tools/call` result that failed because of a backend. */
export const BACKEND_FAILURE_META = 'auth-gateway/backend-failure';

/** A backend of an aggregate route that cannot answer; its message names the provider and never a token. */
export class BackendFailure extends Error {
  override readonly name = 'BackendFailure';

  constructor(
    readonly backend: string,
    readonly provider: string,
    readonly reason: BackendFailureReason,
    /** Seconds until the next attempt, when known. */
    readonly retryAfter?: number,
  ) {
    super(describe(backend, provider, reason, retryAfter));
  }

  /** Whether a new login can fix it. */
  get signInAgain(): boolean {
    return this.reason === 'sign_in_required';
  }

  /** What the client gets for it: data a program can read, beside the message a person can. */
  get data(): Record<string, unknown> {
    return {
      backend: this.backend,
      provider: this.provider,
      reason: this.reason,
      sign_in_again: this.signInAgain,
      ...(this.retryAfter === undefined ? {} : { retry_after: this.retryAfter }),
    };
  }

  /** A `tools/call` result with `isError` (MCP: tool errors are results the model can read). */
  toToolResult(): CallToolResult {
    return {
      isError: true,
      content: [{ type: 'text', text: this.message }],
      _meta: { [BACKEND_FAILURE_META]: this.data },
    };
  }

  /** A JSON-RPC error, for requests without an error result (resources, prompts). */
  toMcpError(): McpError {
    return new McpError(BACKEND_FAILURE_CODE, this.message, this.data);
  }
}

function describe(
  backend: string,
  provider: string,
  reason: BackendFailureReason,
  retryAfter?: number,
): string {
  const later = retryAfter === undefined ? 'retry later' : `retry in ${retryAfter}s`;
  switch (reason) {
    case 'sign_in_required':
      return `${backend}: sign-in to ${provider} required; signing in again will restore ${backend}'s tools`;
    case 'provider_unavailable':
      return `${backend}: ${provider} is temporarily unavailable; signing in again will not help, ${later}`;
    case 'backend_unavailable':
      return `${backend}: the ${backend} MCP server (${provider}) is unavailable; signing in again will not help, ${later}`;
  }
}

/**
 * What a log line says about an error of a backend call: its kind and code, never its message
 * when the backend wrote it (a backend's error body could echo what it was sent).
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (error instanceof BackendFailure) return { name: error.name, reason: error.reason };
  if (error instanceof McpError) return { name: 'McpError', code: error.code };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
    return { name: error.name, ...(code === undefined ? {} : { code }) };
  }
  return { name: typeof error };
}
