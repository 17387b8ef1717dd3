// The durable-lsp VS Code extension: starts the durable-lsp language server over stdio for
// workspaces that hold a wrangler config, forwards the `durableLsp.*` settings to it, and shows
// the index's state in the status bar and the map of its Durable Objects in the Explorer.
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import { MAP_VIEW, MapProvider, OPEN_PLACE_COMMAND, openPlace } from './map-view';
import { Consent, findServer, Machine, mayRunProjectServer, projectServer, SERVER_PATH_SETTING } from './server-path';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RequestType0,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

const SECTION = 'durableLsp';
const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'];
/** Every wrangler config name the server reads (wrangler.jsonc, wrangler.staging.toml, ...). */
const WRANGLER_CONFIG_GLOB = '**/wrangler*.{jsonc,json,toml}';

/** The answer to the server's `durable-lsp/status` request (server/src/lsp/mod.rs `Status`). */
interface ServerStatus {
  workers: number;
  sourceFiles: number;
  openDocuments: number;
  findings: number;
}
const statusRequest = new RequestType0<ServerStatus, void>('durable-lsp/status');

/** The settings the server reads from `initializationOptions` and `workspace/didChangeConfiguration`. */
interface ServerSettings {
  rules: Record<string, string>;
  durableObjectBases: string[];
  exclude: string[];
  inlayHints: boolean;
  cache: boolean;
  debounceMs?: number;
}

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let statusTimer: NodeJS.Timeout | undefined;
/** The context key the "Durable Objects" view's `when` clause reads: true while the server runs. */
const RUNNING_CONTEXT = 'durableLsp.serverRunning';
let map: MapProvider;
/** Serialises starts, stops and restarts. */
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('durable-lsp');
  statusItem = vscode.window.createStatusBarItem('durableLsp.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'durable-lsp';
  statusItem.command = 'durableLsp.showOutput';
  map = new MapProvider(() => client, (line) => output.appendLine(line));
  const mapView = vscode.window.createTreeView(MAP_VIEW, { treeDataProvider: map, showCollapseAll: true });
  context.subscriptions.push(
    mapView,
    map.attach(mapView),
    vscode.commands.registerCommand('durableLsp.map.refresh', () => map.refresh()),
    vscode.commands.registerCommand(OPEN_PLACE_COMMAND, openPlace),
    output,
    statusItem,
    vscode.commands.registerCommand('durableLsp.restartServer', () => enqueue(() => restart(context))),
    vscode.commands.registerCommand('durableLsp.showOutput', () => output.show(true)),
    // Trust granted: the project's own server may run now.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void enqueue(() => restart(context))),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      // A folder with its own node_modules/.bin/durable-lsp may have come or gone.
      if (client) void enqueue(() => restartIfServerChanged(context));
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        void enqueue(() => restart(context));
      } else if (event.affectsConfiguration(SECTION) && client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverSettings() });
      }
    }),
  );

  if (await hasWranglerConfig()) {
    await enqueue(() => start(context));
  } else {
    // Activated by a TS/JS/JSON/TOML file in a workspace without a Worker: wait for a config.
    const watcher = vscode.workspace.createFileSystemWatcher(WRANGLER_CONFIG_GLOB, false, true, true);
    context.subscriptions.push(
      watcher,
      watcher.onDidCreate(() => {
        if (!client) void enqueue(() => start(context));
      }),
    );
  }
}

export async function deactivate(): Promise<void> {
  await enqueue(stop);
}

function enqueue(task: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(task, task);
  return lifecycle;
}

async function hasWranglerConfig(): Promise<boolean> {
  const found = await vscode.workspace.findFiles(WRANGLER_CONFIG_GLOB, '**/node_modules/**', 1);
  return found.length > 0;
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

/** The command the running client was started with. */
let runningCommand: string | undefined;

async function restartIfServerChanged(context: vscode.ExtensionContext): Promise<void> {
  const found = await lookUpServer(context);
  if ('command' in found && found.command === runningCommand) return;
  await restart(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  if (client) return;
  const found = await lookUpServer(context);
  if ('problem' in found) {
    output.appendLine(found.problem);
    showStatus('$(error) durable-lsp', 'No durable-lsp binary found. Click for the output.', errorColor());
    // Not awaited: a restart queued behind this start must not wait for the user to answer.
    const open = 'Open Settings';
    void vscode.window.showErrorMessage(`durable-lsp: ${found.problem}`, open).then((answer) => {
      if (answer === open) void openServerPathSetting();
    });
    return;
  }
  const command = found.command;
  output.appendLine(`starting ${command} serve (${describe(found.source)})`);
  runningCommand = command;
  // No `transport`: TransportKind.stdio would append `--stdio`, which the server does not need.
  const serverOptions: ServerOptions = { command, args: ['serve'], options: { shell: found.shell } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'typescriptreact' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', language: 'javascriptreact' },
      { scheme: 'file', pattern: WRANGLER_CONFIG_GLOB },
      { scheme: 'file', pattern: '**/durable-lsp.toml' },
    ],
    initializationOptions: serverSettings(),
    outputChannel: output,
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => {
        next(uri, diagnostics);
        scheduleStatusRefresh();
        // The server publishes after every analysis, and every change that can change the map
        // (a config, a class, a file added or deleted) is analysed: refresh after the burst.
        map.scheduleRefresh();
      },
    },
  };
  const languageClient = new LanguageClient(SECTION, 'durable-lsp', serverOptions, clientOptions);
  languageClient.onDidChangeState((event) => {
    if (event.newState === State.Stopped && client === languageClient) {
      setRunning(false);
      showStatus('$(error) durable-lsp', 'The server stopped. Click for its output.', errorColor());
    }
  });
  client = languageClient;
  showStatus('$(sync~spin) durable-lsp: indexing…', 'Starting the server and indexing the workspace');
  try {
    await languageClient.start();
  } catch (err) {
    showStatus('$(error) durable-lsp', 'The server failed to start. Click for its output.', errorColor());
    output.appendLine(`failed to start ${command}: ${String(err)}`);
    void vscode.window.showErrorMessage(
      `durable-lsp: the server (${command}) failed to start. Check \`${SERVER_PATH_SETTING}\`.`,
    );
    return;
  }
  setRunning(true);
  // `durable-lsp/status` is answered after every change sent before it, so its first answer comes
  // once the initial load is indexed.
  await refreshStatus();
  await map.refresh();
}

/** Shows or hides the "Durable Objects" view (its `when` clause), and empties it when stopped. */
function setRunning(running: boolean): void {
  void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, running);
  if (!running) map.clear();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (statusTimer) clearTimeout(statusTimer);
  if (!running) return;
  setRunning(false);
  try {
    await running.stop(5000);
  } catch (err) {
    output.appendLine(`stopping the server: ${String(err)}`);
  }
  statusItem.hide();
}

function scheduleStatusRefresh(): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void refreshStatus(), 300);
}

async function refreshStatus(): Promise<void> {
  const current = client;
  if (!current?.isRunning()) return;
  try {
    const status = await current.sendRequest(statusRequest);
    if (current !== client) return;
    const workers = `${status.workers} Worker${status.workers === 1 ? '' : 's'}`;
    showStatus(
      `$(check) durable-lsp: ${workers}`,
      `${workers}, ${status.sourceFiles} source files indexed, ${status.findings} findings. Click for the server output.`,
    );
  } catch (err) {
    output.appendLine(`durable-lsp/status: ${String(err)}`);
    showStatus('$(check) durable-lsp', 'The server is running. Click for its output.');
  }
}

/**
 * Opens the Settings editor on `durableLsp.server.path`. In a remote window (code-server, SSH, ...)
 * the setting is machine-specific and lives under the Remote tab, so that tab is the one opened.
 */
async function openServerPathSetting(): Promise<void> {
  if (vscode.env.remoteName) {
    try {
      await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query: SERVER_PATH_SETTING });
      return;
    } catch {
      // An older VS Code without the options argument: the user settings below.
    }
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', SERVER_PATH_SETTING);
}

function showStatus(text: string, tooltip: string, background?: vscode.ThemeColor): void {
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.backgroundColor = background;
  statusItem.show();
}

function errorColor(): vscode.ThemeColor {
  return new vscode.ThemeColor('statusBarItem.errorBackground');
}

function describe(source: string): string {
  switch (source) {
    case 'setting':
      return `the setting ${SERVER_PATH_SETTING}`;
    case 'project':
      return "the project's node_modules/.bin";
    case 'bundled':
      return 'bundled with the extension';
    default:
      return 'found on PATH';
  }
}

function machine(context: vscode.ExtensionContext): Machine {
  return {
    platform: process.platform,
    home: os.homedir(),
    pathEnv: process.env.PATH ?? '',
    folders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    extensionDir: context.extensionPath,
    isExecutable,
  };
}

/** The server to start (see server-path.ts for the order), asking first before running an untrusted workspace's own. */
async function lookUpServer(context: vscode.ExtensionContext) {
  const here = machine(context);
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path')?.trim() ?? '';
  const project = configured ? undefined : projectServer(here);
  const key = `durableLsp.projectServer:${project}`;
  const useProject = await mayRunProjectServer(
    project,
    vscode.workspace.isTrusted,
    context.workspaceState.get<Consent>(key),
    async () => {
      const run = 'Run the project\'s server';
      const bundled = 'Use the bundled server';
      const answer = await vscode.window.showWarningMessage(
        `durable-lsp: this workspace is not trusted. Run its own server, ${project}? ` +
          'It is a program from the workspace: run it only if you trust where the workspace comes from.',
        { modal: true },
        run,
        bundled,
      );
      return answer === run ? 'run' : answer === bundled ? 'bundled' : undefined;
    },
    (answer) => void context.workspaceState.update(key, answer),
  );
  return findServer(here, configured, useProject);
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `durableLsp.*` in the shape the server's `ClientSettings` reads; invalid entries are dropped. */
function serverSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const rules: Record<string, string> = {};
  for (const [id, level] of Object.entries(config.get<Record<string, unknown>>('rules') ?? {})) {
    if (typeof level === 'string' && SEVERITIES.includes(level)) {
      rules[id] = level;
    } else {
      output.appendLine(`${SECTION}.rules: ignoring ${id} = ${JSON.stringify(level)} (expected ${SEVERITIES.join(', ')})`);
    }
  }
  const strings = (key: string) => (config.get<unknown[]>(key) ?? []).filter((s): s is string => typeof s === 'string');
  const settings: ServerSettings = {
    rules,
    durableObjectBases: strings('durableObjectBases'),
    exclude: strings('exclude'),
    inlayHints: config.get<boolean>('inlayHints') === true,
    cache: config.get<boolean>('cache') !== false,
  };
  const debounce = config.get<number | null>('debounceMs');
  if (typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0) {
    settings.debounceMs = Math.round(debounce);
  }
  return settings;
}
