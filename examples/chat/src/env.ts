import type { ChatRoom } from "./chat-room";

/** The bindings of the chat Worker (see wrangler.jsonc). */
export interface Env {
  CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
  ROOM_INDEX: KVNamespace;
}
