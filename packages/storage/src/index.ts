export * from './errors.js';
export type * from './ports/authorization-code-store.js';
export type * from './ports/client-store.js';
export type * from './ports/grant-store.js';
export type * from './ports/lock-store.js';
export type * from './ports/pending-authorization-store.js';
export type * from './ports/storage.js';
export type * from './ports/upstream-token-store.js';
export type * from './ports/user-store.js';
