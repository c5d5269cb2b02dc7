export { type CheckResult, checkCommand } from './commands/check-command.js';
export { type RunningServer, serveCommand } from './commands/serve-command.js';
export { clientAddress } from './gateway/client-address.js';
export { type CreateGatewayOptions, createGateway, type Gateway } from './gateway/create-gateway.js';
export { shutdownGracefully, trackResponses } from './gateway/graceful-shutdown.js';
export { createHttpServer } from './gateway/http-server.js';
export { createLogger, REDACTED_PATHS } from './logging/create-logger.js';
