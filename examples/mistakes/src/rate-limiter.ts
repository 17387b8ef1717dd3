import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

const WINDOW_MS = 60 * 1000;
const LIMIT = 100;

/** A fixed-window rate limiter, one instance per client. */
export class RateLimiter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (at INTEGER NOT NULL)");
  }

  /** Counts a request; false when the client is over the limit. */
  allow(): boolean {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM hits WHERE at < ?", now - WINDOW_MS);
    const { hits } = sql.exec<{ hits: number }>("SELECT COUNT(*) AS hits FROM hits").one();
    if (hits >= LIMIT) {
      return false;
    }
    sql.exec("INSERT INTO hits (at) VALUES (?)", now);
    return true;
  }
}
