import type { Counter } from "./counter";
import type { RateLimiter } from "./rate-limiter";
import type { Sessions } from "./sessions";

/** The bindings of the mistakes Worker (see wrangler.jsonc); LEADERBOARD has no class to type. */
export interface Env {
  COUNTER: DurableObjectNamespace<Counter>;
  SESSIONS: DurableObjectNamespace<Sessions>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
}
