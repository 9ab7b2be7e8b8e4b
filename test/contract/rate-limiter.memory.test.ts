import { MemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

rateLimiterContract('memory', async () => {
  const limiter = new MemoryRateLimiter();
  return { limiter, dispose: () => limiter.close() };
});
