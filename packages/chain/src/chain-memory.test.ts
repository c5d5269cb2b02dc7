import { createMemoryStorage } from '@auth/storage';
import { chainSuite } from './test-support/chain-suite.js';

chainSuite('memory storage', async () => createMemoryStorage());
