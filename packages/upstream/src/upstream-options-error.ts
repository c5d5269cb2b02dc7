import { OptionsError } from '@auth/protocol';

/** Why `createUpstreamClient` or a method refused its arguments (a caller bug, not an upstream failure). */
export type UpstreamOptionsErrorCode = 'ERR_UPSTREAM_INVALID_OPTIONS' | 'ERR_UPSTREAM_INVALID_ARGUMENT';

/** Bad options at creation, or a bad argument to a method. Messages name the field, never its value. */
export class UpstreamOptionsError extends OptionsError<UpstreamOptionsErrorCode> {}
