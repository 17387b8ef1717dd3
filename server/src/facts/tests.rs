use super::*;
use crate::text::FileKind;

#[test]
fn queries_compile() {
    for kind in [FileKind::TypeScript, FileKind::Tsx] {
        assert_eq!(extract::compile_error(kind), None, "{kind:?}");
    }
}
