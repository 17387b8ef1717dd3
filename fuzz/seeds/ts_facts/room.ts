import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";
import Default, * as ns from "./ns.ts";

interface Env { ROOM: DurableObjectNamespace<Room>; KV: KVNamespace; }

/** A room: «chat» 💬 */
export class Room extends DurableObject<Env> {
  #sessions = new Map<WebSocket, string>();
  sql = this.ctx.storage.sql;
  static readonly LIMIT = 100;
  onClose = async (code: number) => {};
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.kv = ctx.storage;
    ctx.blockConcurrencyWhile(async () => { this.sql.exec("CREATE TABLE IF NOT EXISTS m (t TEXT)"); });
  }
  async fetch(request: Request): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  async join(name: string, { urgent }: Options = {}) {
    this.sql.exec(`INSERT INTO m VALUES ('${name}')`);
    await this.kv.put("k", 1);
    const t = setTimeout(() => this.alarm(), 10);
    clearTimeout(t);
  }
  async alarm() {
    const { ROOM } = this.env;
    const other = ROOM.get(ROOM.idFromName("x"));
    await other.join("again");
    globalThis.setInterval(() => {}, 5);
  }
  get size(): number { return this.#sessions.size; }
  [Symbol.iterator]() {}
}
function setTimeout(f: () => void, ms: number) { return 0; }
