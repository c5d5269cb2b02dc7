// The logger port, defined once in @auth/protocol; this name stays for existing imports.
export type { Logger as MockIdpLogger } from '@auth/protocol';
export { MockIdpError, type MockIdpErrorCode } from './mock-idp-error.js';
export {
  type IdTokenFault,
  type MockIdpFaultName,
  type MockIdpFaults,
  parseMockIdpFaults,
} from './mock-idp-faults.js';
export type { MockIdpMode, MockIdpOptions } from './mock-idp-options.js';
export { MockIdpOptionsError } from './mock-idp-options-error.js';
export type {
  RecordedLogin,
  RecordedLoginAction,
  RecordedLoginReason,
  RecordedRequest,
} from './recorded-request.js';
export { type MockIdp, startMockIdp } from './start-mock-idp.js';
