// The "Durable Objects" view in the Explorer: the map from the server's `durable-lsp/graph`
// request (Workers -> bindings -> the class each reaches), each row opening its place.
import * as vscode from 'vscode';
import { LanguageClient, RequestType } from 'vscode-languageclient/node';
import { buildTree, GraphResult, MapNode, Place } from './map';

/** `durable-lsp/graph`: `{}` for every Worker of the workspace. */
const graphRequest = new RequestType<{ uri?: string }, GraphResult, void>('durable-lsp/graph');

/** The view's id in package.json. */
export const MAP_VIEW = 'durableLsp.map';
/** The command a row runs to open its place. */
export const OPEN_PLACE_COMMAND = 'durableLsp.map.open';
/** How long the view waits after the last diagnostics before asking for the map again. */
const REFRESH_DEBOUNCE_MS = 500;

/** The rows of the view, fetched from the running client. */
export class MapProvider implements vscode.TreeDataProvider<MapNode> {
  private readonly changed = new vscode.EventEmitter<MapNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: MapNode[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Set when a refresh was asked for while the view was hidden. */
  private stale = true;
  private view: vscode.TreeView<MapNode> | undefined;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** Shows the provider in `view`; a hidden view refreshes when it is shown again. */
  attach(view: vscode.TreeView<MapNode>): vscode.Disposable {
    this.view = view;
    return vscode.Disposable.from(
      this.changed,
      view.onDidChangeVisibility((event) => {
        if (event.visible && this.stale) void this.refresh();
      }),
      { dispose: () => this.timer && clearTimeout(this.timer) },
    );
  }

  /** Refreshes after a quiet moment (diagnostics come in bursts after each analysis). */
  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  /** Asks the server for the map now (when the view is visible), or marks it stale. */
  async refresh(): Promise<void> {
    if (this.view && !this.view.visible) {
      this.stale = true;
      return;
    }
    const current = this.client();
    if (!current?.isRunning()) {
      this.roots = [];
      this.changed.fire(undefined);
      return;
    }
    try {
      const graph = await current.sendRequest(graphRequest, {});
      if (current !== this.client()) return;
      this.roots = buildTree(graph);
      this.stale = false;
      if (this.view) {
        const workers = graph.workers.length;
        this.view.description = `${workers} Worker${workers === 1 ? '' : 's'}`;
      }
    } catch (err) {
      this.log(`durable-lsp/graph: ${String(err)}`);
    }
    this.changed.fire(undefined);
  }

  /** Clears the view (the server stopped). */
  clear(): void {
    this.roots = [];
    this.stale = true;
    if (this.view) this.view.description = undefined;
    this.changed.fire(undefined);
  }

  getChildren(node?: MapNode): MapNode[] {
    return node ? node.children : this.roots;
  }

  getTreeItem(node: MapNode): vscode.TreeItem {
    // Workers start collapsed (the list of Workers is the overview); a binding's one child, the
    // class it reaches, shows as soon as its Worker is expanded.
    const collapsed =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.kind === 'worker'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded;
    const item = new vscode.TreeItem(node.label, collapsed);
    // Stable ids keep what the user expanded across refreshes.
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.kind;
    item.iconPath = new vscode.ThemeIcon(icon(node));
    if (node.place) {
      item.command = { command: OPEN_PLACE_COMMAND, title: 'Open', arguments: [node.place] };
    }
    return item;
  }
}

function icon(node: MapNode): string {
  switch (node.kind) {
    case 'worker':
      return 'server-process';
    case 'binding':
      return 'symbol-field';
    case 'class':
      return 'symbol-class';
    default:
      return 'warning';
  }
}

/** Opens a row's place: the file, with the range selected. */
export async function openPlace(place: Place): Promise<void> {
  const uri = vscode.Uri.parse(place.uri);
  const selection = place.range
    ? new vscode.Range(
        place.range.start.line,
        place.range.start.character,
        place.range.end.line,
        place.range.end.character,
      )
    : undefined;
  await vscode.window.showTextDocument(uri, { selection, preview: true });
}
