/**
 * One entry of the request log (`GET /_mock/requests`). `params` merges query and body
 * parameters with every secret removed: `client_secret`, `code`, `code_verifier`, tokens and
 * `Authorization` values are never recorded; `client_auth` tells how the client authenticated.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string | string[]>;
}
