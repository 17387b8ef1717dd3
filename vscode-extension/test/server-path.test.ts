// Unit tests of the server lookup (src/server-path.ts) on made-up machines, under plain Node:
// `npm test` bundles them with esbuild and runs them with node --test.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Consent, findServer, Machine, mayRunProjectServer, projectServer } from '../src/server-path';

/** A Linux machine where exactly `executables` exist. */
function machine(executables: string[], overrides: Partial<Machine> = {}): Machine {
  return {
    platform: 'linux',
    home: '/home/me',
    pathEnv: '/usr/local/bin:/usr/bin',
    folders: ['/work/app', '/work/other'],
    extensionDir: '/ext/durable-lsp',
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  };
}

const SETTING = '/opt/durable-lsp';
const PROJECT = '/work/app/node_modules/.bin/durable-lsp';
const OTHER_PROJECT = '/work/other/node_modules/.bin/durable-lsp';
const BUNDLED = '/ext/durable-lsp/server/durable-lsp';
const ON_PATH = '/usr/bin/durable-lsp';

test('the order: the setting, the project, the bundled binary, PATH', () => {
  const all = [SETTING, PROJECT, BUNDLED, ON_PATH];
  assert.deepEqual(findServer(machine(all), SETTING, true), { command: SETTING, source: 'setting', shell: false });
  assert.deepEqual(findServer(machine(all), '', true), { command: PROJECT, source: 'project', shell: false });
  assert.deepEqual(findServer(machine([BUNDLED, ON_PATH]), '', true), { command: BUNDLED, source: 'bundled', shell: false });
  assert.deepEqual(findServer(machine([ON_PATH]), '', true), { command: ON_PATH, source: 'PATH', shell: false });
});

test("the project's binary is skipped when it may not run", () => {
  const found = findServer(machine([PROJECT, BUNDLED]), '', false);
  assert.deepEqual(found, { command: BUNDLED, source: 'bundled', shell: false });
});

test('the first workspace folder with a node_modules/.bin/durable-lsp wins', () => {
  assert.equal(projectServer(machine([OTHER_PROJECT])), OTHER_PROJECT);
  assert.equal(projectServer(machine([PROJECT, OTHER_PROJECT])), PROJECT);
  assert.equal(projectServer(machine([])), undefined);
});

test('on Windows: the .cmd shim needs a shell, the binaries are .exe, PATH splits on ;', () => {
  const win = (executables: string[]) =>
    machine(executables, { platform: 'win32', folders: ['C:\\app'], extensionDir: 'C:\\ext', pathEnv: 'C:\\bin;C:\\tools' });
  const found = findServer(win(['C:\\app/node_modules/.bin/durable-lsp.cmd']), '', true);
  assert.equal('shell' in found && found.shell, true);
  assert.equal('source' in found && found.source, 'project');
  const onPath = findServer(win(['C:\\tools/durable-lsp.exe']), '', true);
  assert.equal('source' in onPath && onPath.source, 'PATH');
});

test('a setting that names no executable is a problem naming the setting, not a fallback', () => {
  const found = findServer(machine([PROJECT, BUNDLED]), './bin/missing', true);
  assert.ok('problem' in found && found.problem.includes('durableLsp.server.path') && found.problem.includes('./bin/missing'));
});

test('a relative setting starts at the first folder; ~ is the home folder', () => {
  const relative = findServer(machine(['/work/app/bin/durable-lsp']), 'bin/durable-lsp', true);
  assert.equal('command' in relative && relative.command, '/work/app/bin/durable-lsp');
  const home = findServer(machine(['/home/me/.cargo/bin/durable-lsp']), '~/.cargo/bin/durable-lsp', true);
  assert.equal('command' in home && home.command, '/home/me/.cargo/bin/durable-lsp');
});

test('nothing found: the problem says how to get a server', () => {
  const found = findServer(machine([]), '', true);
  assert.ok('problem' in found && found.problem.includes('npm install --save-dev durable-lsp'));
});

test('an untrusted workspace asks before running its own server, and remembers the answer', async () => {
  const asked: string[] = [];
  const remembered: Consent[] = [];
  const ask = (answer: Consent | undefined) => async () => {
    asked.push('asked');
    return answer;
  };
  const remember = (a: Consent) => remembered.push(a);
  // Trusted, or no project server: no question.
  assert.equal(await mayRunProjectServer(PROJECT, true, undefined, ask('bundled'), remember), true);
  assert.equal(await mayRunProjectServer(undefined, false, undefined, ask('bundled'), remember), true);
  assert.equal(asked.length, 0);
  // Untrusted: the answer decides, and is remembered.
  assert.equal(await mayRunProjectServer(PROJECT, false, undefined, ask('run'), remember), true);
  assert.equal(await mayRunProjectServer(PROJECT, false, undefined, ask('bundled'), remember), false);
  assert.deepEqual(remembered, ['run', 'bundled']);
  // Dismissed: not this time, and nothing remembered.
  assert.equal(await mayRunProjectServer(PROJECT, false, undefined, ask(undefined), remember), false);
  assert.equal(remembered.length, 2);
  // A remembered answer asks nothing.
  const before = asked.length;
  assert.equal(await mayRunProjectServer(PROJECT, false, 'run', ask('bundled'), remember), true);
  assert.equal(await mayRunProjectServer(PROJECT, false, 'bundled', ask('run'), remember), false);
  assert.equal(asked.length, before);
});
