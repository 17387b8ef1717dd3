import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

/** A chat message as stored and as sent to clients. */
export type Message = {
  id: number;
  user: string;
  text: string;
  sentAt: number;
};

/** What each socket remembers across hibernation. */
type Attachment = {
  user: string;
  joinedAt: number;
};

/** Messages older than this are pruned by the alarm. */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How often the alarm runs while the room has messages. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const MAX_MESSAGE_LENGTH = 2000;

/**
 * One chat room. Members connect over WebSockets that the runtime keeps open while the object
 * hibernates; the history lives in the object's SQLite database.
 */
export class ChatRoom extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Synchronous, so it completes before any request or RPC call is delivered.
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        user    TEXT    NOT NULL,
        text    TEXT    NOT NULL,
        sent_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS messages_sent_at ON messages (sent_at);
    `);
  }

  /** Upgrades a request to a hibernatable WebSocket for the user named in `?user=`. */
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade") !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const user = new URL(request.url).searchParams.get("user")?.trim() || "anonymous";
    const [client, server] = Object.values(new WebSocketPair());

    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ user, joinedAt: Date.now() } satisfies Attachment);
    server.send(JSON.stringify({ type: "history", messages: this.history(50) }));
    this.broadcast({ type: "joined", user });

    return new Response(null, { status: 101, webSocket: client });
  }

  /** The last `limit` messages, oldest first. */
  history(limit = 50): Message[] {
    const rows = this.sql
      .exec<{ id: number; user: string; text: string; sent_at: number }>(
        "SELECT id, user, text, sent_at FROM messages ORDER BY id DESC LIMIT ?",
        Math.max(1, Math.min(limit, 500)),
      )
      .toArray();
    return rows.reverse().map(({ id, user, text, sent_at }) => ({ id, user, text, sentAt: sent_at }));
  }

  /** Stores a message, sends it to every member and schedules pruning. */
  async post(user: string, text: string): Promise<Message> {
    const sentAt = Date.now();
    const { id } = this.sql
      .exec<{ id: number }>(
        "INSERT INTO messages (user, text, sent_at) VALUES (?, ?, ?) RETURNING id",
        user,
        text.slice(0, MAX_MESSAGE_LENGTH),
        sentAt,
      )
      .one();
    const message: Message = { id, user, text, sentAt };
    this.broadcast({ type: "message", message });

    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(sentAt + PRUNE_INTERVAL_MS);
    }
    return message;
  }

  async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (typeof data !== "string") {
      ws.send(JSON.stringify({ type: "error", error: "Binary messages are not supported" }));
      return;
    }
    const { user } = ws.deserializeAttachment() as Attachment;
    await this.post(user, data);
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void> {
    // Complete the closing handshake.
    ws.close(code, reason);
    const { user } = ws.deserializeAttachment() as Attachment;
    this.broadcast({ type: "left", user, clean: wasClean }, ws);
  }

  async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    console.error("WebSocket error in chat room", error);
    ws.close(1011, "Unexpected error");
  }

  /** Deletes expired messages, and re-arms while any remain. */
  async alarm(): Promise<void> {
    this.sql.exec("DELETE FROM messages WHERE sent_at < ?", Date.now() - RETENTION_MS);
    const { remaining } = this.sql.exec<{ remaining: number }>("SELECT COUNT(*) AS remaining FROM messages").one();
    if (remaining > 0) {
      await this.ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS);
    }
  }

  private broadcast(event: object, except?: WebSocket): void {
    const payload = JSON.stringify(event);
    for (const socket of this.ctx.getWebSockets()) {
      if (socket !== except) {
        socket.send(payload);
      }
    }
  }
}
