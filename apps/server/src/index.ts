export { type CheckResult, checkCommand } from './commands/check-command.js';
export { type RunningServer, serveCommand } from './commands/serve-command.js';
export { type CreateGatewayOptions, createGateway, type Gateway } from './gateway/create-gateway.js';
export { shutdownGracefully } from './gateway/graceful-shutdown.js';
export { createLogger, REDACTED_PATHS } from './logging/create-logger.js';
