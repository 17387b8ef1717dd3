import { Hono } from "hono";
import { Room } from "./room";
export { Room };
export { Sandbox as MySandbox } from "@cloudflare/sandbox";
export * as ns from "./ns";
const app = new Hono();
app.get("/room/:name", async (c) => {
  const stub = c.env.ROOMS.getByName(c.req.param("name"));
  return stub.fetch(c.req.raw);
});
export default {
  async fetch(req, env) {
    const id = env.CHAT.idFromName("a");
    await env.CHAT.get(id).sendMessage(`x ${id}`);
    return app.fetch(req, env);
  },
};
module.exports.Counter = class Counter {};
