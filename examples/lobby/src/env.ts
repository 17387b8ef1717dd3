import type { ChatRoom } from "../../chat/src/chat-room";
import type { Presence } from "./presence";

/** The bindings of the lobby Worker (see wrangler.toml). */
export interface Env {
  /** Rooms of the "chat" Worker. */
  ROOMS: DurableObjectNamespace<ChatRoom>;
  PRESENCE: DurableObjectNamespace<Presence>;
}
