// Where the durable-lsp server binary comes from, in this order:
//   1. the setting `durableLsp.server.path`;
//   2. the project's own `node_modules/.bin/durable-lsp` (the version the project pins wins, as
//      the ESLint and Biome extensions do), in the first workspace folder that has one; in an
//      untrusted workspace only once the user agreed to run it;
//   3. the binary bundled in the extension (`server/durable-lsp`, in the platform .vsix);
//   4. `durable-lsp` on PATH.
// No `vscode` import: the unit tests (test/server-path.test.ts) run it under plain Node.
import * as path from 'path';

/** What the lookup reads, so that tests can give it a made-up machine. */
export interface Machine {
  platform: NodeJS.Platform;
  home: string;
  /** `PATH`. */
  pathEnv: string;
  /** The workspace folders' paths, in order. */
  folders: string[];
  /** The extension's own folder. */
  extensionDir: string;
  isExecutable(file: string): boolean;
}

export type Source = 'setting' | 'project' | 'bundled' | 'PATH';

/** A server to start: the command, and whether it needs a shell (a Windows `.cmd` shim). */
export interface Server {
  command: string;
  source: Source;
  shell: boolean;
}

export type Lookup = Server | { problem: string };

export const SERVER_PATH_SETTING = 'durableLsp.server.path';

function binaryName(machine: Machine): string {
  return machine.platform === 'win32' ? 'durable-lsp.exe' : 'durable-lsp';
}

/** The project's `node_modules/.bin/durable-lsp` (`.cmd` on Windows), first folder first. */
export function projectServer(machine: Machine): string | undefined {
  const shim = machine.platform === 'win32' ? 'durable-lsp.cmd' : 'durable-lsp';
  for (const folder of machine.folders) {
    const candidate = path.join(folder, 'node_modules', '.bin', shim);
    if (machine.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The setting's path with `~` expanded and a relative path taken from the first folder. */
export function resolveConfigured(configured: string, machine: Machine): string {
  let resolved = configured;
  if (resolved === '~' || resolved.startsWith('~/')) resolved = path.join(machine.home, resolved.slice(1));
  const folder = machine.folders[0];
  if (!path.isAbsolute(resolved) && folder) resolved = path.join(folder, resolved);
  return resolved;
}

/**
 * Finds the server. `configured` is the setting (empty: unset); `useProject` says whether the
 * project's binary may run (false in an untrusted workspace whose user did not agree).
 */
export function findServer(machine: Machine, configured: string, useProject: boolean): Lookup {
  const binary = binaryName(machine);
  if (configured) {
    const resolved = resolveConfigured(configured, machine);
    if (machine.isExecutable(resolved)) return { command: resolved, source: 'setting', shell: false };
    return { problem: `\`${SERVER_PATH_SETTING}\` is \`${configured}\`, which is not an executable file.` };
  }
  const project = useProject ? projectServer(machine) : undefined;
  if (project) return { command: project, source: 'project', shell: project.endsWith('.cmd') };
  const bundled = path.join(machine.extensionDir, 'server', binary);
  if (machine.isExecutable(bundled)) return { command: bundled, source: 'bundled', shell: false };
  const separator = machine.platform === 'win32' ? ';' : ':';
  for (const dir of machine.pathEnv.split(separator)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    if (machine.isExecutable(candidate)) return { command: candidate, source: 'PATH', shell: false };
  }
  return {
    problem:
      `no server binary found: no \`node_modules/.bin/durable-lsp\` in the workspace (\`npm install --save-dev durable-lsp\`), ` +
      `none bundled with the extension and no \`${binary}\` on PATH. Set \`${SERVER_PATH_SETTING}\` to the path of \`${binary}\`.`,
  };
}

/** What the user answered about running an untrusted workspace's own server. */
export type Consent = 'run' | 'bundled';

/**
 * Whether the project's server may run. A trusted workspace: yes. An untrusted one: the answer
 * remembered for this binary, else the user's answer to `ask` (remembered through `remember`;
 * dismissing the question decides nothing and runs the bundled server this time).
 */
export async function mayRunProjectServer(
  project: string | undefined,
  trusted: boolean,
  remembered: Consent | undefined,
  ask: () => Promise<Consent | undefined>,
  remember: (answer: Consent) => void,
): Promise<boolean> {
  if (!project || trusted) return true;
  if (remembered) return remembered === 'run';
  const answer = await ask();
  if (answer) remember(answer);
  return answer === 'run';
}
