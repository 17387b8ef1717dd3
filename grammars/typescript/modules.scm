; ES module syntax and CommonJS exports.

; `import ... from "m"`, `import "m"`, `import x = require("m")`.
(import_statement) @import

; Every form of `export` at the top level (not in `namespace N {}` or `declare module "m" {}`;
; an ERROR parent is half-typed code at the top level).
(program
  (export_statement) @export)

(ERROR
  (export_statement) @export)

; `module.exports = ...`
(assignment_expression
  left: (member_expression
    object: (identifier) @_module (#eq? @_module "module")
    property: (property_identifier) @_exports (#eq? @_exports "exports"))) @commonjs

; `module.exports.X = ...`
(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @_module (#eq? @_module "module")
      property: (property_identifier) @_exports (#eq? @_exports "exports")))) @commonjs

; `exports.X = ...`
(assignment_expression
  left: (member_expression
    object: (identifier) @_exports (#eq? @_exports "exports"))) @commonjs
