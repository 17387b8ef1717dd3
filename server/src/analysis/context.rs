//! What rules see: one Worker, resolved once per analysis.

use std::cell::{OnceCell, RefCell};
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::{Finding, Fix, Location, Related, RuleId, RuleLevel, RuleMeta, Severity};
use crate::config::lifecycle::{self, Lifecycle};
use crate::config::ResolvedEnv;
use crate::index::{ClassRef, DoClassKind, ExportTable, ExportTarget, Worker, Workspace};
use crate::sema::Model;
use crate::text::Span;

/// The levels users set rules to (`durable-lsp.toml`, the editor's settings); a rule not in the
/// map runs at its default severity.
pub type SeverityOverrides = FxHashMap<RuleId, RuleLevel>;

/// The severity a finding of `rule` gets: the user's level wins over `requested` (a rule's own
/// choice for this finding), which wins over the rule's default. `None`: the rule is off.
pub fn effective_severity(
    overrides: &SeverityOverrides,
    rule: &RuleMeta,
    requested: Option<Severity>,
) -> Option<Severity> {
    match overrides.get(&rule.id) {
        Some(RuleLevel::Off) => None,
        Some(RuleLevel::On(configured)) => Some(*configured),
        None => Some(requested.unwrap_or(rule.default_severity)),
    }
}

/// A finding being built ([`WorkerContext::report`]).
#[must_use = "a finding is reported only by `emit`"]
pub struct Report<'a> {
    overrides: &'a SeverityOverrides,
    rule: &'static RuleMeta,
    severity: Option<Severity>,
    location: Location,
    message: String,
    related: Vec<Related>,
    fixes: Vec<Fix>,
    /// The Worker's config, to ask whether a name the finding is about is in doubt.
    config: &'a crate::config::WorkerConfig,
    /// True when the finding is about a name in doubt: then it is not emitted.
    in_doubt: bool,
}

impl Report<'_> {
    /// Names a class, binding or Worker the finding is about. When an entry of the config that
    /// mentions `name` has a misspelt key ([`crate::config::WorkerConfig::in_doubt`]), the
    /// finding is dropped: the shape rule reports the misspelling, and what the entry means is
    /// unknown until it is fixed (one mistake, one finding).
    pub fn about(mut self, name: &str) -> Self {
        self.in_doubt |= self.config.is_in_doubt(name);
        self
    }

    /// The other places that explain the finding.
    pub fn related(mut self, related: Vec<Related>) -> Self {
        self.related = related;
        self
    }

    /// The quick-fixes, best first.
    pub fn fixes(mut self, fixes: Vec<Fix>) -> Self {
        self.fixes = fixes;
        self
    }

    /// This finding's severity instead of the rule's default (a user's level still wins).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Adds the finding to `out`, unless the user turned the rule off or it is [`Report::about`]
    /// a name in doubt.
    pub fn emit(self, out: &mut Vec<Finding>) {
        if self.in_doubt {
            return;
        }
        let Some(severity) = effective_severity(self.overrides, self.rule, self.severity) else { return };
        out.push(Finding {
            rule: self.rule.id,
            severity,
            location: self.location,
            message: self.message,
            related: self.related,
            fixes: self.fixes,
        });
    }
}

/// A resolved environment with its replayed lifecycle.
pub struct EnvView<'a> {
    /// The environment.
    pub env: ResolvedEnv<'a>,
    /// Its lifecycle.
    pub lifecycle: Lifecycle,
}

impl EnvView<'_> {
    /// `top level` or `env.<name>`, for messages.
    pub fn label(&self) -> String {
        match self.env.name {
            None => "the top level".to_string(),
            Some(name) => format!("env.{}", name.value),
        }
    }
}

/// One Worker as the rules see it.
pub struct WorkerContext<'a> {
    /// The workspace.
    pub ws: &'a Workspace,
    /// The Worker.
    pub worker: &'a Worker,
    /// Every resolved environment, the top level first.
    pub envs: Vec<EnvView<'a>>,
    /// What the entry exports (`main`, or the file a package.json script gives wrangler), when
    /// it was found.
    pub main_exports: Option<ExportTable>,
    /// Classes of the Worker's files by name.
    pub classes_by_name: FxHashMap<&'a str, Vec<ClassRef>>,
    /// [`WorkerContext::classes_bound_to`] by binding name, as computed (rules ask once per
    /// call on a stub, and a `script_name` binding resolves the other Worker each time).
    bound_to: RefCell<FxHashMap<String, Option<Vec<ClassRef>>>>,
    /// The semantic model of the Worker's code, built on first use.
    model: OnceCell<Model<'a>>,
    overrides: &'a SeverityOverrides,
}

impl<'a> WorkerContext<'a> {
    /// Resolves environments, lifecycles, `main`'s exports and the class table of a Worker.
    pub fn new(ws: &'a Workspace, worker: &'a Worker, overrides: &'a SeverityOverrides) -> Self {
        let envs = worker
            .config
            .resolved_envs()
            .into_iter()
            .map(|env| {
                let lifecycle = lifecycle::replay(&env);
                EnvView { env, lifecycle }
            })
            .collect();
        // The entry: `main`, or the file a package.json script gives wrangler.
        let main_exports = worker.entry.as_ref().map(|entry| ws.export_table(&entry.path));
        let mut classes_by_name: FxHashMap<&'a str, Vec<ClassRef>> = FxHashMap::default();
        for path in worker.files() {
            let Some(file) = ws.source(path) else { continue };
            for (index, class) in file.facts.classes.iter().enumerate() {
                classes_by_name
                    .entry(class.name.value.as_str())
                    .or_default()
                    .push(ClassRef { file: path.clone(), index });
            }
        }
        WorkerContext {
            ws,
            worker,
            envs,
            main_exports,
            classes_by_name,
            bound_to: RefCell::default(),
            model: OnceCell::new(),
            overrides,
        }
    }

    /// The semantic model of the Worker's code (the files its entry reaches).
    pub fn model(&self) -> &Model<'a> {
        self.model.get_or_init(|| {
            let files = self.worker.code_files();
            let mut do_classes = rustc_hash::FxHashSet::default();
            for path in &files {
                let Some(file) = self.ws.source(path) else { continue };
                for index in 0..file.facts.classes.len() {
                    let class = ClassRef { file: (*path).clone(), index };
                    if self.is_do_class(&class) {
                        do_classes.insert(class);
                    }
                }
            }
            Model::new(self.ws, files, do_classes)
        })
    }

    /// The config file's path.
    pub fn config_path(&self) -> &Arc<PathBuf> {
        &self.worker.config_path
    }

    /// A location in the config file.
    pub fn config_location(&self, span: Span) -> Location {
        Location { path: self.worker.config_path.clone(), span }
    }

    /// The class named `name` in the Worker's files, preferring one `main` reaches.
    pub fn find_class(&self, name: &str) -> Option<&ClassRef> {
        let candidates = self.classes_by_name.get(name)?;
        candidates.iter().find(|c| self.worker.module_graph.contains(&c.file)).or_else(|| candidates.first())
    }

    /// True when `class` is a DO class: by ancestry, because a local binding names a class
    /// without a base (the legacy style), or because a container is attached to it (whatever
    /// its base: a container's class is a Durable Object class).
    pub fn is_do_class(&self, class: &ClassRef) -> bool {
        match self.ws.do_class_kind(class) {
            DoClassKind::DurableObject | DoClassKind::KnownBase(_) => true,
            DoClassKind::Unknown => self.ws.class(class).is_some_and(|fact| self.is_container_class(&fact.name.value)),
            DoClassKind::NotDurableObject => {
                let Some(fact) = self.ws.class(class) else { return false };
                let name = &fact.name.value;
                (fact.base.is_none() && self.is_locally_bound(name)) || self.is_container_class(name)
            }
        }
    }

    /// True when some environment attaches a container to class `name`: a `containers` entry
    /// names it in `class_name`, or its `exports` entry has a `container`
    /// ([`ResolvedEnv::is_container_class`]).
    pub fn is_container_class(&self, name: &str) -> bool {
        self.envs.iter().any(|e| e.env.is_container_class(name))
    }

    /// True when some local DO binding of any environment names class `name`.
    pub fn is_locally_bound(&self, name: &str) -> bool {
        self.envs.iter().any(|e| {
            e.env.do_bindings().iter().any(|b| b.is_local() && b.class_name.as_ref().is_some_and(|c| c.value == name))
        })
    }

    /// True when a syntax error of the config lies inside `span` (rules about that region then
    /// stay silent: `config-syntax` already speaks, and the region may hold what is missing).
    pub fn config_broken_within(&self, span: Span) -> bool {
        self.worker
            .config
            .syntax_errors
            .iter()
            .any(|e| e.span.start < span.end.max(span.start + 1) && e.span.end >= span.start)
    }

    /// Starts a finding of `rule`: add what it has (`related`, `fixes`, a `severity` other than
    /// the rule's default), then [`Report::emit`] it. The one way findings are made.
    pub fn report(&self, rule: &'static RuleMeta, location: Location, message: String) -> Report<'a> {
        Report {
            overrides: self.overrides,
            rule,
            severity: None,
            location,
            message,
            related: Vec::new(),
            fixes: Vec::new(),
            config: &self.worker.config,
            in_doubt: false,
        }
    }

    /// The effective severity of `rule`, or `None` when it is turned off.
    pub fn severity(&self, rule: &RuleMeta) -> Option<Severity> {
        effective_severity(self.overrides, rule, None)
    }

    /// The context of the Worker a `script_name` names: the nearest Worker of that name in the
    /// workspace (rules.md: two Workers sharing a name, the nearest folder wins).
    pub fn script_target(&self, script_name: &str) -> Option<WorkerContext<'a>> {
        let worker = self.ws.workers_named(script_name, &self.worker.dir).into_iter().next()?;
        Some(WorkerContext::new(self.ws, worker, self.overrides))
    }

    /// The class `main` exports as `name`; when `main` is not indexed, the Worker's class of
    /// that name. `None` when the name is not exported, or is no workspace class.
    pub fn exported_class(&self, name: &str) -> Option<ClassRef> {
        match &self.main_exports {
            Some(exports) => match exports.names.get(name)? {
                ExportTarget::Class { file, class } => Some(ClassRef { file: file.clone(), index: *class }),
                _ => None,
            },
            None => self.find_class(name).cloned(),
        }
    }

    /// The classes that the DO bindings named `binding` denote across every resolved environment
    /// (a `script_name` binding: the class the other Worker exports). `None` when no binding has
    /// that name or some binding's class cannot be resolved to a workspace class.
    pub fn classes_bound_to(&self, binding: &str) -> Option<Vec<ClassRef>> {
        if let Some(known) = self.bound_to.borrow().get(binding) {
            return known.clone();
        }
        let classes = self.resolve_classes_bound_to(binding);
        self.bound_to.borrow_mut().insert(binding.to_owned(), classes.clone());
        classes
    }

    /// [`WorkerContext::classes_bound_to`], computed.
    fn resolve_classes_bound_to(&self, binding: &str) -> Option<Vec<ClassRef>> {
        let mut classes = Vec::new();
        let bindings = self
            .envs
            .iter()
            .flat_map(|e| e.env.do_bindings())
            .filter(|b| b.name.as_ref().is_some_and(|n| n.value == binding));
        for b in bindings {
            let class_name = &b.class_name.as_ref()?.value;
            let class = match &b.script_name {
                None => self.exported_class(class_name)?,
                Some(script) => self.script_target(&script.value)?.exported_class(class_name)?,
            };
            if !classes.contains(&class) {
                classes.push(class);
            }
        }
        (!classes.is_empty()).then_some(classes)
    }

    /// A related location for a class declaration (its name).
    pub fn class_related(&self, class: &ClassRef, message: String) -> Option<Related> {
        let fact = self.ws.class(class)?;
        Some(Related { location: Location { path: class.file.clone(), span: fact.name.span }, message })
    }
}
