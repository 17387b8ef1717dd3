; The types that describe a Worker's env: `interface Env { ... }` (also `interface Env extends X`,
; and `Cloudflare.Env` inside `declare namespace Cloudflare` of `wrangler types` output),
; `type Env = { ... }`, and Hono's conventional `Bindings`. The extractor reads the members.

(interface_declaration
  name: (type_identifier) @name (#any-of? @name "Env" "Bindings")
  body: (interface_body) @members)

(type_alias_declaration
  name: (type_identifier) @name (#any-of? @name "Env" "Bindings")
  value: (object_type) @members)
