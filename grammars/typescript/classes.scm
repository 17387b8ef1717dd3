; Classes: declarations (also `abstract class`) and class expressions (`const X = class {}`).
; The extractor reads the name, the `extends` clause and the members from the captured node.

(class_declaration
  body: (class_body)) @class

(abstract_class_declaration
  body: (class_body)) @class

(class
  body: (class_body)) @class
