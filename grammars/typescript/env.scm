; Env bindings: `env.X`, `this.env.X`, `c.env.X`, `const { X } = env`, and the ids that
; `ns.get(id)` may take.

; `env.X`
(member_expression
  object: (identifier) @_env (#eq? @_env "env")
  property: (property_identifier) @binding) @env

; `this.env.X`
(member_expression
  object: (member_expression
    object: (this)
    property: (property_identifier) @_env (#eq? @_env "env"))
  property: (property_identifier) @binding) @this_env

; `c.env.X` (Hono's context and similar); `env.env.X` is left to the `env.X` pattern.
(member_expression
  object: (member_expression
    object: (identifier) @_context (#not-eq? @_context "env")
    property: (property_identifier) @_env (#eq? @_env "env"))
  property: (property_identifier) @binding) @context_env

; `const { X, Y: alias } = env`
(variable_declarator
  name: (object_pattern) @pattern
  value: (identifier) @_env (#eq? @_env "env")) @destructure

; `const { X } = this.env` / `c.env`
(variable_declarator
  name: (object_pattern) @pattern
  value: (member_expression
    property: (property_identifier) @_env (#eq? @_env "env"))) @destructure

; `const id = ns.idFromName(...)` (also `idFromString`, `newUniqueId`)
(variable_declarator
  name: (identifier) @id_name
  value: (call_expression
    function: (member_expression
      property: (property_identifier) @_method
      (#any-of? @_method "idFromName" "idFromString" "newUniqueId")))) @id_decl
