import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { BACKEND_FAILURE_CODE, BackendFailure, loggableError } from './backend-failure.js';

describe('BackendFailure', () => {
  it('names the backend and provider and says whether signing in again helps, as a tool result and a JSON-RPC error', () => {
    const down = new BackendFailure('github', 'github', 'backend_unavailable', 4);
    expect(down.signInAgain).toBe(false);
    expect(down.toToolResult()).toEqual({
      isError: true,
      content: [
        {
          type: 'text',
          text: 'github: the github MCP server (github) is unavailable; signing in again will not help, retry in 4s',
        },
      ],
      _meta: {
        'auth-gateway/backend-failure': {
          backend: 'github',
          provider: 'github',
          reason: 'backend_unavailable',
          sign_in_again: false,
          retry_after: 4,
        },
      },
    });
    const error = new BackendFailure('docs', 'corp', 'provider_unavailable').toMcpError();
    expect(error.code).toBe(BACKEND_FAILURE_CODE);
    expect(error.message).toContain('docs: corp is temporarily unavailable; signing in again will not help');
    expect(new BackendFailure('docs', 'corp', 'sign_in_required').signInAgain).toBe(true);
  });

  it('a log line gets an error’s kind and code, never a message a backend wrote', () => {
    const echoed = new StreamableHTTPError(500, 'Error POSTing to endpoint: Bearer secret-token-value');
    expect(loggableError(echoed)).toEqual({ name: 'Error', code: 500 });
    expect(JSON.stringify(loggableError(echoed))).not.toContain('secret-token-value');
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(loggableError(refused)).toEqual({ name: 'TypeError', code: 'ECONNREFUSED' });
  });
});
