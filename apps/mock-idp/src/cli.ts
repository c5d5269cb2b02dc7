#!/usr/bin/env node
import type { Logger } from '@auth/protocol';
import { CliUsageError, parseCliArgs, USAGE } from './internal/parse-cli-args.js';
import { MockIdpError } from './mock-idp-error.js';
import { MockIdpOptionsError } from './mock-idp-options-error.js';
import { startMockIdp } from './start-mock-idp.js';

/** JSON lines on stderr for warnings and errors; stdout carries only the ready line. */
const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...obj, msg })}\n`),
  error: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'error', ...obj, msg })}\n`),
};

async function main(): Promise<number | undefined> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`mock-idp: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let idp: Awaited<ReturnType<typeof startMockIdp>>;
  try {
    idp = await startMockIdp({ ...parsed.options, logger: stderrLogger });
  } catch (err) {
    if (!(err instanceof MockIdpError) && !(err instanceof MockIdpOptionsError)) throw err;
    process.stderr.write(`mock-idp: ${err.message}\n`);
    if (err instanceof MockIdpOptionsError) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    return 1;
  }
  const stop = (): void => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    idp.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Exactly one line on stdout, for scripts that wait for it.
  process.stdout.write(`mock-idp listening on ${idp.url}\n`);
  if (idp.issuer !== idp.url)
    stderrLogger.warn({ issuer: idp.issuer, url: idp.url }, 'issuer differs from the served URL');
  return undefined;
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`mock-idp: ${err instanceof Error ? err.message : 'failed'}\n`);
    process.exitCode = 1;
  },
);
