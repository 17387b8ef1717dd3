import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

/** A member counts as present for this long after their last heartbeat. */
const PRESENCE_TTL_MS = 60 * 1000;

/** A room and how many members were seen in it recently. */
export type RoomPresence = {
  room: string;
  online: number;
};

/** Who is in which room, from the heartbeats lobby clients send. One instance for the lobby. */
export class Presence extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS members (
        room    TEXT    NOT NULL,
        user    TEXT    NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (room, user)
      )
    `);
  }

  /** Records that `user` is in `room` now. */
  heartbeat(room: string, user: string): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO members (room, user, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (room, user) DO UPDATE SET seen_at = excluded.seen_at`,
      room,
      user,
      Date.now(),
    );
  }

  /** Every known room with its number of present members, busiest first. */
  rooms(): RoomPresence[] {
    const since = Date.now() - PRESENCE_TTL_MS;
    return this.ctx.storage.sql
      .exec<RoomPresence>(
        `SELECT room, SUM(seen_at >= ?) AS online FROM members
         GROUP BY room ORDER BY online DESC, room`,
        since,
      )
      .toArray();
  }
}
