import type { Env } from "./env";

// Durable Object classes must be named exports of the main module.
export { ChatRoom } from "./chat-room";

const ROOM_ROUTE = /^\/room\/([A-Za-z0-9_-]{1,64})\/(websocket|history|messages)$/;

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);

    if (url.pathname === "/rooms" && request.method === "GET") {
      const { keys } = await env.ROOM_INDEX.list();
      return Response.json(keys.map((key) => key.name));
    }

    const match = ROOM_ROUTE.exec(url.pathname);
    if (!match) {
      return new Response("Not found", { status: 404 });
    }
    const [, name, action] = match;
    const room = env.CHAT_ROOM.getByName(name);

    switch (action) {
      case "websocket":
        if (request.headers.get("Upgrade") !== "websocket") {
          return new Response("Expected a WebSocket upgrade", { status: 426 });
        }
        ctx.waitUntil(env.ROOM_INDEX.put(name, new Date().toISOString()));
        return room.fetch(request);

      case "history": {
        const limit = Number(url.searchParams.get("limit") ?? "50");
        return Response.json(await room.history(Number.isFinite(limit) ? limit : 50));
      }

      case "messages": {
        if (request.method !== "POST") {
          return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
        }
        const { user, text } = await request.json<{ user?: string; text?: string }>();
        if (!user || !text) {
          return new Response("Expected { user, text }", { status: 400 });
        }
        ctx.waitUntil(env.ROOM_INDEX.put(name, new Date().toISOString()));
        return Response.json(await room.post(user, text), { status: 201 });
      }

      default:
        return new Response("Not found", { status: 404 });
    }
  },
} satisfies ExportedHandler<Env>;
