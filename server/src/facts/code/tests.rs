use super::*;
use crate::facts::extract;
use crate::text::FileKind;

fn code(src: &str) -> FileCode {
    let tree = crate::text::language::parse(FileKind::TypeScript, src, None);
    let Some(tree) = tree else { panic!("no tree") };
    extract(&tree, src, FileKind::TypeScript).code.into_inner()
}

/// `line:col` (1-based) of an offset.
fn pos(src: &str, offset: usize) -> String {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{col}")
}

/// Every identifier reference of the file, as `name@line:col -> line:col` of the declaring
/// identifier (`module` when it resolves through the module scope, `global` when nothing
/// declares it), in source order.
fn resolutions(src: &str) -> Vec<String> {
    let code = code(src);
    let mut out = Vec::new();
    for unit in &code.units {
        for e in &unit.code.exprs {
            let ExprKind::Ident(res) = e.kind else { continue };
            let span = e.span.at(unit.start);
            let name = &src[span.start..span.end];
            let target = match res {
                Res::Local(id) => {
                    let s = unit.code.symbol(id).map(|s| s.name.at(unit.start).start).unwrap_or_default();
                    pos(src, s)
                }
                Res::Free => match code.module_symbol(name).first() {
                    Some(item) => {
                        let u = &code.units[item.unit as usize];
                        let s = u.code.symbol(item.id).map(|s| s.name.at(u.start).start).unwrap_or_default();
                        format!("module {}", pos(src, s))
                    }
                    None => "global".to_owned(),
                },
            };
            out.push((span.start, format!("{name}@{} -> {target}", pos(src, span.start))));
        }
    }
    out.sort();
    out.dedup();
    out.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn block_scopes_and_shadowing() {
    let src = "function f(legacy, env) {\n  if (legacy) {\n    const stub = env.A;\n    stub.fetch();\n  }\n  const stub = env.B;\n  stub.increment();\n}\n";
    let got = resolutions(src);
    assert!(got.contains(&"stub@4:5 -> 3:11".to_owned()), "{got:#?}");
    assert!(got.contains(&"stub@7:3 -> 6:9".to_owned()), "{got:#?}");
    assert!(got.contains(&"env@3:18 -> 1:20".to_owned()), "{got:#?}");
    assert!(got.contains(&"legacy@2:7 -> 1:12".to_owned()), "{got:#?}");
}

#[test]
fn hoisting_module_scope_imports_and_globals() {
    let src = "import { env } from \"cloudflare:workers\";\nimport * as m from \"./m\";\nexport function run() { return helper(env, m.x, fetch); }\nfunction helper(a, b, c) { return a; }\nvar late = 1;\n";
    let got = resolutions(src);
    for expected in [
        "helper@3:32 -> module 4:10",
        "env@3:39 -> module 1:10",
        "m@3:44 -> module 2:13",
        "fetch@3:49 -> global",
        "a@4:35 -> 4:17",
    ] {
        assert!(got.contains(&expected.to_owned()), "{expected} not in {got:#?}");
    }
}

#[test]
fn destructuring_renames_defaults_and_key_shapes() {
    let src = "const { ROOM: room, COUNTER = fallback, 0: client, 1: server, ...rest } = env;\nconst [a, , b] = list;\nroom; COUNTER; client; server; rest; a; b;\n";
    let code = code(src);
    let names: Vec<(String, Vec<String>)> = code
        .units
        .iter()
        .flat_map(|u| u.code.symbols.iter().map(move |s| (u, s)))
        .map(|(unit, s)| {
            let n = s.name.at(unit.start);
            let path = unit
                .code
                .path_of(s)
                .iter()
                .map(|step| match step {
                    PathStep::Key(k) => {
                        let k = k.at(unit.start);
                        src[k.start..k.end].to_owned()
                    }
                    PathStep::Index(i) => format!("[{i}]"),
                    PathStep::Unknown => "?".to_owned(),
                })
                .collect();
            (src[n.start..n.end].to_owned(), path)
        })
        .collect();
    let expect = |name: &str, path: &[&str]| {
        assert!(
            names.iter().any(|(n, p)| n == name && p.iter().map(String::as_str).eq(path.iter().copied())),
            "{name} {path:?} not in {names:?}"
        );
    };
    expect("room", &["ROOM"]);
    expect("COUNTER", &["COUNTER"]);
    expect("client", &["0"]);
    expect("server", &["1"]);
    expect("rest", &["?"]);
    expect("a", &["[0]"]);
    expect("b", &["[2]"]);
    let counter = code.units[0].code.symbols.iter().find(|s| &src[s.name.at(0).start..s.name.at(0).end] == "COUNTER");
    assert!(counter.is_some_and(|s| s.default.is_some()));
    let got = resolutions(src);
    assert!(got.contains(&"room@3:1 -> module 1:15".to_owned()), "{got:#?}");
    assert!(got.contains(&"fallback@1:31 -> global".to_owned()), "{got:#?}");
}

#[test]
fn var_function_scope_catch_and_for() {
    let src = "function f() {\n  { var v = 1; let l = 2; }\n  v; l;\n  try {} catch (err) { err; }\n  for (const x of xs) { x; }\n  x;\n}\n";
    let got = resolutions(src);
    for expected in [
        "v@3:3 -> 2:9",
        "l@3:6 -> global",
        "err@4:24 -> 4:17",
        "x@5:25 -> 5:14",
        "x@6:3 -> global",
        "xs@5:19 -> global",
    ] {
        assert!(got.contains(&expected.to_owned()), "{expected} not in {got:#?}");
    }
}

#[test]
fn functions_this_calls_and_returns() {
    let src = "export class Room extends DurableObject {\n  sessions = new Map();\n  async fetch(req) {\n    const go = () => this.ctx.acceptWebSocket(x);\n    function plain() { return this; }\n    return go();\n  }\n}\n";
    let code = code(src);
    let mut seen = Vec::new();
    for unit in &code.units {
        for f in &unit.code.functions {
            let name = f.name.map(|n| {
                let n = n.at(unit.start);
                src[n.start..n.end].to_owned()
            });
            let calls: Vec<String> = unit
                .code
                .ids(f.calls)
                .iter()
                .filter_map(|&c| unit.code.expr(c))
                .map(|e| {
                    let s = e.span.at(unit.start);
                    src[s.start..s.end].to_owned()
                })
                .collect();
            seen.push(format!("{:?} {:?} {:?} {:?} returns={}", f.kind, name, f.this, calls, f.returns.len));
        }
    }
    let joined = seen.join("\n");
    assert!(joined.contains("Top Some(\"sessions\") Enclosing [\"new Map()\"] returns=1"), "{joined}");
    assert!(joined.contains("Method Some(\"fetch\") Enclosing [\"go()\"] returns=1"), "{joined}");
    assert!(joined.contains("Arrow Some(\"go\") Enclosing [\"this.ctx.acceptWebSocket(x)\"] returns=1"), "{joined}");
    assert!(joined.contains("Declaration Some(\"plain\") Unknown [] returns=1"), "{joined}");
}

#[test]
fn types_are_references_in_their_own_space() {
    let src = "import { Room } from \"./room\";\ninterface Env { ROOM: DurableObjectNamespace<Room> }\nfunction f(Room: string) { const x: Room = y as Room; return Room; }\n";
    let code = code(src);
    let mut refs = Vec::new();
    for unit in &code.units {
        for t in &unit.code.type_refs {
            let s = t.span.at(unit.start);
            let name = &src[s.start..s.end];
            let local = matches!(t.res, Res::Local(_));
            refs.push(format!("{name}@{} {}", pos(src, s.start), if local { "local" } else { "free" }));
        }
    }
    // The interface's own name is a declaration, not a reference.
    assert!(!refs.iter().any(|r| r.starts_with("Env@")), "{refs:?}");
    // The parameter `Room` is a value: the types still mean the imported class.
    assert!(refs.contains(&"Room@2:46 free".to_owned()), "{refs:?}");
    assert!(refs.contains(&"Room@3:37 free".to_owned()), "{refs:?}");
    assert!(refs.contains(&"Room@3:49 free".to_owned()), "{refs:?}");
    let got = resolutions(src);
    assert!(got.contains(&"Room@3:62 -> 3:12".to_owned()), "{got:#?}");
}

#[test]
fn statements_and_templates() {
    let src = "async function f() {\n  await x.m();\n  y.n(`a ${b} c`);\n  const z = w();\n}\n";
    let code = code(src);
    let unit = &code.units[0];
    assert_eq!(unit.code.statements.len(), 2);
    assert!(unit.code.statements[0].awaited && !unit.code.statements[1].awaited);
    let texts: Vec<&str> = unit
        .code
        .exprs
        .iter()
        .filter(|e| e.kind == ExprKind::TemplateText)
        .map(|e| {
            let s = e.span.at(unit.start);
            &src[s.start..s.end]
        })
        .collect();
    assert_eq!(texts, ["a ", " c"]);
}
