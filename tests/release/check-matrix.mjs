#!/usr/bin/env node
// Checks that the release workflow builds exactly the platforms of npm/durable-lsp/platforms.json,
// each with the same Rust target and VS Code target, and that every name is one its tool knows:
// the Rust target in `rustc --print target-list`, the VS Code target in vsce's list, os and cpu
// among Node's process.platform and process.arch values, libc glibc or musl.
// Usage: node tests/release/check-matrix.mjs (needs tests/tools and vscode-extension's npm packages)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const YAML = require(join(repo, 'tests/tools/node_modules/yaml'));
const { Targets: vsceTargets } = require(join(repo, 'vscode-extension/node_modules/@vscode/vsce/out/package.js'));
const rustTargets = new Set(execFileSync('rustc', ['--print', 'target-list'], { encoding: 'utf8' }).split('\n'));
const { platforms } = JSON.parse(readFileSync(join(repo, 'npm/durable-lsp/platforms.json'), 'utf8'));
const workflow = YAML.parse(readFileSync(join(repo, '.github/workflows/release.yml'), 'utf8'));
const matrix = workflow.jobs.build.strategy.matrix.include;

const NODE_OS = ['aix', 'android', 'darwin', 'freebsd', 'linux', 'openbsd', 'sunos', 'win32'];
const NODE_CPU = ['arm', 'arm64', 'ia32', 'loong64', 'mips', 'mipsel', 'ppc', 'ppc64', 'riscv64', 's390', 's390x', 'x64'];
const problems = [];
for (const p of platforms) {
  const name = p.package.replace('@durable-lsp/', '');
  const row = matrix.find((r) => r.platform === name);
  if (!row) problems.push(`${name}: not built by the release workflow`);
  else if (row.rust !== p.rust || row.vsce !== p.vsce) problems.push(`${name}: the workflow builds ${row.rust} / ${row.vsce}, platforms.json says ${p.rust} / ${p.vsce}`);
  if (!rustTargets.has(p.rust)) problems.push(`${name}: rustc knows no target ${p.rust}`);
  if (!vsceTargets.has(p.vsce)) problems.push(`${name}: vsce knows no target ${p.vsce}`);
  if (!NODE_OS.includes(p.os) || !NODE_CPU.includes(p.cpu)) problems.push(`${name}: os ${p.os} / cpu ${p.cpu}`);
  if (p.libc !== undefined && !['glibc', 'musl'].includes(p.libc)) problems.push(`${name}: libc ${p.libc}`);
  if ((p.os === 'linux') !== (p.libc !== undefined)) problems.push(`${name}: libc is for Linux packages, and every Linux package needs one`);
}
for (const row of matrix) {
  if (!platforms.some((p) => p.package === `@durable-lsp/${row.platform}`)) problems.push(`the workflow builds ${row.platform}, which platforms.json lacks`);
}
if (problems.length > 0) {
  console.error(`release matrix:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`release matrix: ${platforms.length} platforms, in platforms.json and the workflow alike`);
