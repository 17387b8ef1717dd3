#!/usr/bin/env node
// Assembles the npm packages of durable-lsp into folders ready for `npm pack` / `npm publish`.
//
//   node npm/stage.mjs launcher OUT_DIR
//       the `durable-lsp` package (the launcher) as it is in npm/durable-lsp, with the licenses
//   node npm/stage.mjs platform NAME BINARY OUT_DIR
//       the platform package NAME (`linux-x64-gnu`: @durable-lsp/linux-x64-gnu, see
//       npm/durable-lsp/platforms.json) holding BINARY, at the launcher's version
//
// Every package gets the launcher's version, which `node npm/check.mjs` keeps equal to the
// crate's (lockstep). Used by the release workflow and by tests/npm/run.sh.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const launcherDir = join(here, 'durable-lsp');
const launcher = JSON.parse(readFileSync(join(launcherDir, 'package.json'), 'utf8'));
const { platforms } = JSON.parse(readFileSync(join(launcherDir, 'platforms.json'), 'utf8'));

function die(message) {
  console.error(`stage.mjs: ${message}`);
  process.exit(2);
}

function fresh(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function licenses(out) {
  for (const file of ['LICENSE-MIT', 'LICENSE-APACHE']) copyFileSync(join(repo, file), join(out, file));
}

function stageLauncher(out) {
  fresh(out);
  mkdirSync(join(out, 'bin'));
  copyFileSync(join(launcherDir, 'package.json'), join(out, 'package.json'));
  copyFileSync(join(launcherDir, 'platforms.json'), join(out, 'platforms.json'));
  copyFileSync(join(launcherDir, 'README.md'), join(out, 'README.md'));
  copyFileSync(join(launcherDir, 'bin', 'durable-lsp.js'), join(out, 'bin', 'durable-lsp.js'));
  chmodSync(join(out, 'bin', 'durable-lsp.js'), 0o755);
  licenses(out);
}

function stagePlatform(name, binary, out) {
  const platform = platforms.find((p) => p.package === `@durable-lsp/${name}`);
  if (!platform) die(`unknown platform ${name}; known: ${platforms.map((p) => p.package.split('/')[1]).join(', ')}`);
  fresh(out);
  const file = platform.os === 'win32' ? 'durable-lsp.exe' : 'durable-lsp';
  try {
    copyFileSync(binary, join(out, file));
  } catch (err) {
    die(`cannot read the binary ${binary}: ${err.message}`);
  }
  chmodSync(join(out, file), 0o755);
  const manifest = {
    name: platform.package,
    version: launcher.version,
    description: `The durable-lsp binary for ${platform.os} ${platform.cpu}${platform.libc ? ` (${platform.libc})` : ''}; install \`durable-lsp\`, which picks it`,
    homepage: launcher.homepage,
    repository: { ...launcher.repository, directory: 'npm' },
    license: launcher.license,
    os: [platform.os],
    cpu: [platform.cpu],
    ...(platform.libc ? { libc: [platform.libc] } : {}),
    files: [file, 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE'],
    preferUnplugged: true,
    publishConfig: launcher.publishConfig,
  };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(out, 'README.md'),
    `# ${platform.package}\n\nThe \`durable-lsp\` binary for ${platform.os} ${platform.cpu}` +
      `${platform.libc ? ` with ${platform.libc}` : ''} (Rust target \`${platform.rust}\`).\n\n` +
      'Install [`durable-lsp`](https://www.npmjs.com/package/durable-lsp) instead: it depends on every platform ' +
      'package, and npm installs only the one that fits the machine.\n',
  );
  licenses(out);
}

const [what, ...args] = process.argv.slice(2);
if (what === 'launcher' && args.length === 1) {
  stageLauncher(resolve(args[0]));
} else if (what === 'platform' && args.length === 3) {
  stagePlatform(args[0], resolve(args[1]), resolve(args[2]));
} else {
  die('usage: stage.mjs launcher OUT_DIR | stage.mjs platform NAME BINARY OUT_DIR');
}
