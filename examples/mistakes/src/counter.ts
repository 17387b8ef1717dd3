import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

const RESET_AFTER_MS = 10 * 60 * 1000;

/** A named counter that resets itself ten minutes after its first increment. */
export class Counter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
    );
  }

  /** Adds one and returns the new value. */
  increment(): number {
    const { value } = this.ctx.storage.sql
      .exec<{ value: number }>(
        `INSERT INTO counter (id, value) VALUES (1, 1)
         ON CONFLICT (id) DO UPDATE SET value = value + 1
         RETURNING value`,
      )
      .one();
    if (value === 1) {
      // set-timeout-in-durable-object: the timer keeps the object awake and is lost if the object
      // is evicted. Use `await this.ctx.storage.setAlarm(Date.now() + RESET_AFTER_MS)` and move
      // the reset into `async alarm()`.
      setTimeout(() => this.reset(), RESET_AFTER_MS);
    }
    return value;
  }

  /** Sets the counter back to zero. */
  reset(): void {
    this.ctx.storage.sql.exec("DELETE FROM counter");
  }
}
