import type { Principal } from '../features/auth/service.js';
import type { Logger } from '../ports/logger.js';

/** Per-request values set by middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** The signed-in caller (session cookie or API key), or null when anonymous. */
    principal: Principal | null;
  };
}
