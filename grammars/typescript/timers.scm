; `setTimeout` / `setInterval` calls and local declarations that shadow them.

; `setTimeout(...)`
(call_expression
  function: (identifier) @callee
  (#any-of? @callee "setTimeout" "setInterval")
  arguments: (arguments) @args) @timer

; `globalThis.setTimeout(...)`, `self.setTimeout(...)`, `window.setTimeout(...)`
(call_expression
  function: (member_expression
    object: (identifier) @_global
    (#any-of? @_global "globalThis" "self" "window")
    property: (property_identifier) @_name
    (#any-of? @_name "setTimeout" "setInterval")) @callee
  arguments: (arguments) @args) @timer

; `function setTimeout() {}` / `const setTimeout = ...`: bare calls then call the local.
(function_declaration
  name: (identifier) @shadow
  (#any-of? @shadow "setTimeout" "setInterval"))

(variable_declarator
  name: (identifier) @shadow
  (#any-of? @shadow "setTimeout" "setInterval"))
