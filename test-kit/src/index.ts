export {
  type AnsweredPage,
  type BrowseOptions,
  browse,
  completeLogin,
  type LoginOutcome,
  type Ride,
} from './browse.js';
export { Browser, type Hop, isRedirect, type Landing } from './browser.js';
export { CookieJar } from './cookie-jar.js';
export { type EchoBackend, type EchoedRequest, startEchoBackend } from './echo-backend.js';
export { freePort } from './free-port.js';
export { FUZZ_PARAMETER_NAMES } from './fuzz-parameter-names.js';
export {
  type ChainRun,
  CLIENT_REDIRECT,
  type FlowClient,
  type GatewayLogin,
  login,
  loginThroughGateway,
  type RunChainOptions,
  registerClient,
  runChain,
} from './gateway-login.js';
export { formSubmission, type HtmlForm, type Page, parseForms } from './html-forms.js';
export { type Listening, listen } from './listen.js';
export { type ListeningTls, listenTls, type TestCertificate, testCertificate } from './listen-tls.js';
export * from './mock-idp.js';
export { authorizeLeg, type MockUpstream, newLeg, startMockUpstream } from './mock-upstream.js';
export {
  type AuthorizationRequest,
  authorizationRequest,
  clientAuth,
  discover,
  insecure,
  redeem,
  refresh,
  register,
} from './oauth-client.js';
export { type RawRequestOptions, type RawResponse, rawRequest } from './raw-request.js';
export { type LogEntry, type RecordingLogger, recordingLogger } from './recording-logger.js';
