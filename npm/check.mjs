#!/usr/bin/env node
// Checks that the npm packages, the VS Code extension and the crate are in lockstep: one
// version everywhere, and the launcher depending on every platform package of
// npm/durable-lsp/platforms.json at exactly that version. Exits 1 listing what is out of step.
// Usage: node npm/check.mjs
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (file) => readFileSync(join(repo, file), 'utf8');
const problems = [];

const cargo = read('server/Cargo.toml');
const crateVersion = /^\[package\][^[]*?^version\s*=\s*"([^"]+)"/ms.exec(cargo)?.[1];
if (!crateVersion) problems.push('server/Cargo.toml: no [package] version');

const launcher = JSON.parse(read('npm/durable-lsp/package.json'));
const extension = JSON.parse(read('vscode-extension/package.json'));
const { platforms } = JSON.parse(read('npm/durable-lsp/platforms.json'));
for (const [what, version] of [
  ['npm/durable-lsp/package.json', launcher.version],
  ['vscode-extension/package.json', extension.version],
]) {
  if (version !== crateVersion) problems.push(`${what}: version ${version}, the crate's is ${crateVersion}`);
}
const optional = launcher.optionalDependencies ?? {};
for (const platform of platforms) {
  const pinned = optional[platform.package];
  if (pinned !== launcher.version) {
    problems.push(`npm/durable-lsp/package.json: optionalDependencies["${platform.package}"] is ${pinned}, not ${launcher.version}`);
  }
}
for (const name of Object.keys(optional)) {
  if (!platforms.some((p) => p.package === name)) problems.push(`npm/durable-lsp/package.json: ${name} is in no platforms.json entry`);
}
const bin = launcher.bin?.['durable-lsp'];
if (bin !== 'bin/durable-lsp.js' || !launcher.files?.includes(bin)) problems.push('npm/durable-lsp/package.json: bin durable-lsp must be bin/durable-lsp.js, and in files');

if (problems.length > 0) {
  console.error(`out of step:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`lockstep: durable-lsp ${crateVersion} (crate, npm launcher, ${platforms.length} platform packages, VS Code extension)`);
