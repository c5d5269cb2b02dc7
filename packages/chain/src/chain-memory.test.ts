import { createMemoryStorage } from '@auth/storage';
import { chainSuite } from './test-support/chain-suite.js';
import { grantRevocationSuite } from './test-support/grant-revocation-suite.js';

chainSuite('memory storage', async () => createMemoryStorage());
grantRevocationSuite('memory storage', async () => createMemoryStorage());
