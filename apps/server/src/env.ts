import type { Services } from "./services/index.ts";

/** Hono context variables set by the middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
  };
}

export type { Services };
