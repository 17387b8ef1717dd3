; Calls, `new` expressions, storage accesses and the declarations that resolve aliases: what the
; rules about Durable Object class bodies and call sites read (facts/calls.rs).

; Every call: `f(...)`, `a.b.c(...)`, `super(...)`.
(call_expression) @call

; `new WebSocket(url)`, `new WebSocketPair()`, ...
(new_expression) @new

; `<...>.storage.sql`, `.kv`, `.transactionSync`, the PITR bookmark methods (SQLite-only APIs).
(member_expression
  property: (property_identifier) @_api
  (#any-of? @_api "sql" "kv" "transactionSync" "getCurrentBookmark" "getBookmarkForTime" "onNextSessionRestoreBookmark")) @storage_api

; `const x = <value>` (aliases, `new WebSocketPair()` ends, ids and namespaces in variables).
(variable_declarator
  value: (_)) @declarator

; `this.x = <value>` (aliases such as `this.sql = ctx.storage.sql`).
(assignment_expression
  left: (member_expression
    object: (this))) @this_assignment

; `x = <value>` as a class field.
(public_field_definition
  value: (_)) @field

; Class methods and constructors with a body.
(method_definition
  body: (statement_block)) @method
