/**
 * A loopback TCP port that was free a moment ago (bound, then released): for a process
 * that must be told its port, or for a port nothing listens on. The one implementation is
 * `@auth/storage/testing`'s (its Redis servers need it too).
 */
export { findFreePort as freePort } from '@auth/storage/testing';
