//! What the model says of a Worker, as text: the code files, the classes and their call sites,
//! the stub and namespace calls, the binding names, the SQL execs and the usages of each class.
//! The edit-sequence fuzz target and its property test compare it between an index updated
//! edit by edit and one built afresh (the model has no state of its own beyond its memo
//! tables, so the two must agree).

use std::fmt::Write;

use super::Model;

impl Model<'_> {
    /// The summary (see the module's doc), one fact per line.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let place = |r: super::ExprRef| {
            let span = self.span(r);
            format!("{}:{}-{}", self.path(r.file).display(), span.start, span.end)
        };
        for path in self.code_files() {
            let _ = writeln!(out, "file {}", path.display());
        }
        for class in self.classes() {
            let ancestors: Vec<String> =
                self.ancestors(&class).iter().map(|a| format!("{}#{}", a.file.display(), a.index)).collect();
            let is_do = self.is_do_class(&class);
            let _ = writeln!(out, "class {}#{} do={is_do} ancestors={ancestors:?}", class.file.display(), class.index);
            if let Some(symbol) = self.class_symbol(&class) {
                for usage in self.usages(symbol) {
                    let path = self.path(usage.file).display();
                    let _ = writeln!(out, "  usage {path}:{}-{} {:?}", usage.span.start, usage.span.end, usage.kind);
                }
            }
            if !is_do {
                continue;
            }
            for site in self.class_sites(&class).iter() {
                let method = site.method.map(|(object, name, _)| format!("{}.{name}", place(object)));
                let chain: Vec<String> = site.chain().into_iter().map(place).collect();
                let _ = writeln!(out, "  site {} {} {method:?} via {chain:?}", place(site.call), site.name);
            }
        }
        for call in self.stub_calls().iter() {
            let _ = writeln!(out, "stub {} {:?}.{}", place(call.call), call.bindings, call.method);
        }
        for call in self.namespace_calls(&["get", "getByName", "idFromName", "idFromString", "newUniqueId"]) {
            let named = call.named_at.map(|n| (n.span.start, n.span.end));
            let _ = writeln!(out, "namespace {} {}.{} named at {named:?}", place(call.call), call.binding, call.method);
        }
        for (i, path) in self.code_files().iter().enumerate() {
            let Some(file) = self.file_id(path) else { continue };
            for name in self.binding_names_in(file) {
                let _ = writeln!(
                    out,
                    "binding name {i} {}-{} {} {}",
                    name.span.start, name.span.end, name.name, name.destructured
                );
            }
        }
        for exec in self.sql_execs().iter() {
            let chain: Vec<String> =
                exec.frame.as_ref().map(|f| f.chain()).unwrap_or_default().into_iter().map(place).collect();
            let _ = writeln!(out, "sql exec {} via {chain:?}", place(exec.call));
        }
        out
    }
}
