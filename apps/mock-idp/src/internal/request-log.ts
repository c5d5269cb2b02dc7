import type { RecordedRequest } from '../recorded-request.js';

/** Parameters whose values are secrets: never recorded. */
const SECRET_PARAMS = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'client_assertion',
  'password',
]);

const MAX_ENTRIES = 1000;

/** The request log of `GET /_mock/requests`, newest last, bounded. */
export class RequestLog {
  readonly #entries: RecordedRequest[] = [];

  /** Records a request and returns its entry, so a handler can add what it learns (`client_auth`). */
  record(method: string, path: string, params: Record<string, unknown>): RecordedRequest {
    const kept: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(params)) {
      if (SECRET_PARAMS.has(key)) continue;
      if (typeof value === 'string') kept[key] = value;
      else if (Array.isArray(value)) kept[key] = value.filter((v): v is string => typeof v === 'string');
    }
    const entry: RecordedRequest = { method, path, params: kept };
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.shift();
    return entry;
  }

  list(): RecordedRequest[] {
    return this.#entries.map((e) => ({
      ...e,
      params: { ...e.params },
      ...(e.login === undefined ? {} : { login: { ...e.login } }),
    }));
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
