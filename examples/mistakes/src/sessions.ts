import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

/** The last time each session was seen. */
export class Sessions extends DurableObject<Env> {
  /** Records a visit and returns the previous one, if any. */
  async touch(session: string): Promise<number | undefined> {
    const previous = await this.ctx.storage.get<number>(session);
    await this.ctx.storage.put(session, Date.now());
    return previous;
  }
}
