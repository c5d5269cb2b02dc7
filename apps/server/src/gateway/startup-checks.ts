import type { Logger } from '@auth/protocol';
import type { Storage } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import { StartupError, type StartupFailure } from '../commands/startup-error.js';

/** Between two attempts of a check that failed: doubling from the first to the last. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 2_000;

/** One thing that must work before the server listens. */
interface StartupCheck {
  /** What is checked, for the log (`storage`, `upstream "corp"`). */
  subject: string;
  failure: StartupFailure;
  run(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The error's message, without its stack (messages of storage and upstream errors carry no secret). */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `check` until it succeeds or `deadline` (epoch ms) passes; then rejects with a
 * {@link StartupError} naming the last error. Each attempt is cut at the deadline too.
 */
async function retryUntil(check: StartupCheck, deadline: number, logger: Logger): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; ; attempt += 1) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check.run(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('no answer before the start-up deadline')), left);
        }),
      ]);
      if (attempt > 1) logger.info({ event: 'startup.check', subject: check.subject, attempt }, 'ready');
      return;
    } catch (error) {
      lastError = error;
      if (attempt === 1) {
        logger.warn(
          { event: 'startup.check', subject: check.subject, err: { message: messageOf(error) } },
          `${check.subject} not ready yet; retrying until the start-up deadline`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
    const pause = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
  }
  throw new StartupError(
    check.failure,
    `${check.subject} unreachable: ${messageOf(lastError)}`,
    { subject: check.subject },
    { cause: lastError },
  );
}

/** Waits, until `deadline` (epoch ms), for storage to answer a ping; else a `storage_unreachable` {@link StartupError}. */
export function waitForStorage(
  storage: Pick<Storage, 'ping'>,
  deadline: number,
  logger: Logger,
): Promise<void> {
  return retryUntil(
    { subject: 'storage', failure: 'storage_unreachable', run: () => storage.ping() },
    deadline,
    logger,
  );
}

/**
 * Waits, until `deadline`, for every upstream's discovery (all at once); else the first
 * upstream's `upstream_unreachable` {@link StartupError}, in chain order.
 */
export async function waitForUpstreams(
  upstreamClients: readonly UpstreamClient[],
  deadline: number,
  logger: Logger,
): Promise<void> {
  const outcomes = await Promise.allSettled(
    upstreamClients.map((client) =>
      retryUntil(
        {
          subject: `upstream "${client.name}"`,
          failure: 'upstream_unreachable',
          run: () => client.discover(),
        },
        deadline,
        logger,
      ),
    ),
  );
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
}
