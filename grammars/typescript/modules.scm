; ES module syntax and CommonJS exports.

; `import ... from "m"`, `import "m"`, `import x = require("m")`.
(import_statement) @import

; Every form of `export`; the extractor keeps the module's top-level ones.
(export_statement) @export

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
