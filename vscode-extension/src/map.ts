// The "Durable Objects" view's tree, built from the server's `durable-lsp/graph` answer. Pure (no
// `vscode` import), so `npm test` checks it under plain Node; map-view.ts shows it.

/** An LSP position (line and character in the negotiated encoding). */
export interface Position {
  line: number;
  character: number;
}

/** An LSP range. */
export interface Range {
  start: Position;
  end: Position;
}

/** The answer to `durable-lsp/graph` (server/src/lsp/mod.rs `GraphResult`). */
export interface GraphResult {
  workers: GraphWorker[];
}

/** One Worker of the map. */
export interface GraphWorker {
  name: string | null;
  /** Its config, relative to the workspace folder: what a binding's `target` names. */
  config: string;
  uri: string | null;
  bindings: GraphBinding[];
  classes: GraphClass[];
}

/** A Durable Object binding. */
export interface GraphBinding {
  name: string;
  class: string;
  script: string | null;
  /** The `config` of the Worker whose class it reaches; null when no Worker has that name. */
  target: string | null;
  /** Its `name` in the Worker's config. */
  range: Range;
}

/** A Durable Object class. */
export interface GraphClass {
  name: string;
  storage: 'sqlite' | 'kv' | null;
  state: string;
  declared: string | null;
  uri: string | null;
  range: Range | null;
}

/** A place to open: a file, and where in it (the file's start when absent). */
export interface Place {
  uri: string;
  range?: Range;
}

/** What each row of the tree is. */
export type NodeKind = 'worker' | 'binding' | 'class' | 'missing';

/** A row of the tree. */
export interface MapNode {
  /** Unique in the tree and stable across refreshes of the same map. */
  id: string;
  kind: NodeKind;
  label: string;
  description?: string;
  tooltip: string;
  /** What a click opens. */
  place?: Place;
  children: MapNode[];
}

/** `SQLite`, `KV (legacy)` or `no storage`. */
function storageLabel(storage: GraphClass['storage']): string {
  switch (storage) {
    case 'sqlite':
      return 'SQLite';
    case 'kv':
      return 'KV (legacy)';
    default:
      return 'no storage';
  }
}

/** `ChatRoom · SQLite · live`, `Old · no storage · deleted`, `Sessions · no storage · no lifecycle`. */
export function classLabel(cls: GraphClass): string {
  const state = cls.state === 'none' ? 'no lifecycle' : cls.state;
  return `${cls.name} · ${storageLabel(cls.storage)} · ${state}`;
}

/** A Worker's name for people: its `name`, else its config. */
function workerName(worker: GraphWorker): string {
  return worker.name ?? worker.config;
}

/** The row of a class: `ChatRoom · SQLite · live`; `ChatRoom in chat · SQLite · live` when it lives in `owner`, another Worker. */
function classNode(id: string, cls: GraphClass, owner?: GraphWorker): MapNode {
  const name = owner ? `${cls.name} in ${workerName(owner)}` : cls.name;
  const label = `${name}${classLabel(cls).slice(cls.name.length)}`;
  const place = cls.uri ? { uri: cls.uri, range: cls.range ?? undefined } : undefined;
  return {
    id,
    kind: 'class',
    label,
    tooltip: `${label}\n${cls.declared ?? 'no declaration found'}`,
    place,
    children: [],
  };
}

/**
 * The tree: a row per Worker, under it a row per binding with the class it reaches under that
 * (across Workers for `script_name`), then the Worker's classes no binding of the map reaches.
 */
export function buildTree(graph: GraphResult): MapNode[] {
  const byConfig = new Map(graph.workers.map((w) => [w.config, w]));
  const reached = new Set<string>();
  for (const worker of graph.workers) {
    for (const binding of worker.bindings) {
      if (binding.target !== null) reached.add(`${binding.target}\u0000${binding.class}`);
    }
  }
  return graph.workers.map((worker) => {
    const config: Place | undefined = worker.uri ? { uri: worker.uri } : undefined;
    const id = `worker:${worker.config}`;
    const bindings: MapNode[] = worker.bindings.map((binding, b) => {
      const bindingId = `${id}#binding${b}:${binding.name}`;
      const target = binding.target === null ? undefined : byConfig.get(binding.target);
      const cls = target?.classes.find((c) => c.name === binding.class);
      let child: MapNode;
      if (target && cls) {
        child = classNode(`${bindingId}:class`, cls, target === worker ? undefined : target);
      } else {
        const where = binding.script ? ` in ${binding.script}` : '';
        child = {
          id: `${bindingId}:missing`,
          kind: 'missing',
          label: `${binding.class}${where}`,
          description: 'not found',
          tooltip: binding.script
            ? `No Worker named ${binding.script} with a class ${binding.class} in this workspace`
            : `No class ${binding.class} in this Worker`,
          children: [],
        };
      }
      return {
        id: bindingId,
        kind: 'binding',
        label: binding.name,
        description: binding.script ? `script_name ${binding.script}` : undefined,
        tooltip: `env.${binding.name} → ${binding.class}${binding.script ? ` in ${binding.script}` : ''}`,
        place: worker.uri ? { uri: worker.uri, range: binding.range } : undefined,
        children: [child],
      };
    });
    const unbound = worker.classes
      .filter((cls) => !reached.has(`${worker.config}\u0000${cls.name}`))
      .map((cls, c) => classNode(`${id}#class${c}:${cls.name}`, cls));
    return {
      id,
      kind: 'worker',
      label: workerName(worker),
      description: worker.name ? worker.config : undefined,
      tooltip: worker.config,
      place: config,
      children: [...bindings, ...unbound],
    };
  });
}
