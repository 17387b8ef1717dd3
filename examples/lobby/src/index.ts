import type { Env } from "./env";

// Durable Object classes must be named exports of the main module.
export { Presence } from "./presence";

const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    const lobby = env.PRESENCE.getByName("lobby");

    // GET /rooms: every known room, its members online and its last messages.
    if (url.pathname === "/rooms" && request.method === "GET") {
      const rooms = await lobby.rooms();
      const listed = await Promise.all(
        rooms.map(async ({ room, online }) => ({
          room,
          online,
          latest: await env.ROOMS.getByName(room).history(10),
        })),
      );
      return Response.json(listed);
    }

    // POST /rooms/:name?user=...: create or enter a room; returns its latest messages.
    const [, rooms, name, ...rest] = url.pathname.split("/");
    if (rooms === "rooms" && name && rest.length === 0 && request.method === "POST") {
      const user = url.searchParams.get("user");
      if (!ROOM_NAME.test(name) || !user) {
        return new Response("Expected /rooms/<name>?user=<user>", { status: 400 });
      }
      await lobby.heartbeat(name, user);
      const latest = await env.ROOMS.getByName(name).history(10);
      return Response.json({ room: name, latest }, { status: 201 });
    }

    return new Response("Not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
