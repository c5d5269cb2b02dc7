/**
 * The mock IdP, for packages' tests: they reach it through the kit, never an app directly
 * (packages sit below the apps in the dependency graph).
 */
export {
  type MockIdp,
  type MockIdpFaults,
  type MockIdpMode,
  type MockIdpOptions,
  type RecordedLogin,
  type RecordedRequest,
  startMockIdp,
} from '@auth/mock-idp';
