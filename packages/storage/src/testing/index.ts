export {
  clientFixture,
  codeRecordFixture,
  grantFixture,
  pendingConsentFixture,
  pendingFixture,
  randomToken,
  refreshTokenFixture,
  upstreamTokensFixture,
} from './fixtures.js';
export { findFreePort } from './free-port.js';
export { startRedisCluster, type TestRedisCluster } from './redis-cluster.js';
export { startRedisReplica } from './redis-replica.js';
export { startRedisSentinel, type TestRedisSentinel } from './redis-sentinel.js';
export { startRedisServer, type TestRedisServer } from './redis-server.js';
export { type ContractStorage, runStorageContract, type StorageContractOptions } from './storage-contract.js';
