import autocannon from 'autocannon';

/** What one load run measured. */
export interface LoadResult {
  /** Completed responses per second. */
  rps: number;
  /** Latency percentiles in ms (autocannon's histogram). */
  p50: number;
  p99: number;
  /** Responses received. */
  responses: number;
  /** Responses whose status was not 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /**
   * Responses that closed their connection (`Connection: close`). autocannon keeps writing on a
   * closing connection and then times later responses from those lost requests, so when this
   * is not 0 the latencies of the run are inflated and its request count is off.
   */
  closedByServer: number;
}

/** Options of {@link runLoad}: a fixed duration, or a fixed number of requests. */
export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds?: number;
  amount?: number;
  headers?: Record<string, string>;
  /** `GET` unless given. */
  method?: 'GET' | 'POST';
  /** The body of the n-th request (n from 0, across all connections), e.g. JSON-RPC with its own id. */
  bodyFor?: (n: number) => string;
  /** Authorization header values sent in turn, one per request, across all connections. */
  rotateAuthorization?: readonly string[];
}

/**
 * Drives `url` with autocannon (keep-alive connections, no pipelining). Runs in the bench's
 * own process, never in a process under test.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const rotation = options.rotateAuthorization;
  let next = 0;
  let closedByServer = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    setupClient: (client) => {
      client.on('headers', (headers) => {
        if ((headers as { shouldKeepAlive?: boolean }).shouldKeepAlive === false) closedByServer += 1;
      });
    },
    ...(options.amount === undefined
      ? { duration: options.durationSeconds ?? 1 }
      : { amount: options.amount }),
    headers: options.headers ?? {},
    ...(options.method === undefined ? {} : { method: options.method }),
    ...((rotation === undefined || rotation.length === 0) && options.bodyFor === undefined
      ? {}
      : {
          requests: [
            {
              setupRequest: (request) => {
                const n = next;
                next += 1;
                const authorization = rotation?.length ? rotation[n % rotation.length]! : undefined;
                return {
                  ...request,
                  ...(authorization === undefined ? {} : { headers: { ...request.headers, authorization } }),
                  ...(options.bodyFor === undefined ? {} : { body: options.bodyFor(n) }),
                };
              },
            },
          ],
        }),
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    responses: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    closedByServer,
  };
}
