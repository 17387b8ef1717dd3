#!/usr/bin/env node
// The durable-lsp launcher: runs the durable-lsp binary of this platform's package
// (@durable-lsp/<os>-<cpu>[-<libc>], an optional dependency that npm installs only where it
// fits) with the same arguments. The binary inherits stdin, stdout and stderr, so the language
// server speaks to the editor directly: the launcher reads and writes none of it. The binary's
// exit status, or the signal that ended it, becomes the launcher's.
//
// DURABLE_LSP_BINARY=/path/to/durable-lsp runs that binary instead.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { platforms } = require('../platforms.json');

/** Exit status when no binary can run: what `durable-lsp` itself uses for an I/O error. */
const NO_BINARY = 2;

function fail(message) {
  process.stderr.write(`durable-lsp: ${message}\n`);
  process.exit(NO_BINARY);
}

/** `musl` or `glibc` on Linux (read from ldd, else from Node's own report), else undefined. */
function libcFamily() {
  if (process.platform !== 'linux') return undefined;
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library') || ldd.includes('glibc')) return 'glibc';
  } catch {
    // No ldd (a minimal container): ask Node.
  }
  try {
    const header = process.report.getReport().header;
    return header.glibcVersionRuntime ? 'glibc' : 'musl';
  } catch {
    return 'glibc';
  }
}

/** The packages that can run here, the best first (on Linux, the other libc's as a fallback). */
function candidates() {
  const libc = libcFamily();
  const fitting = platforms.filter((p) => p.os === process.platform && p.cpu === process.arch);
  return fitting.sort((a, b) => Number(b.libc === libc) - Number(a.libc === libc));
}

function binaryOf(pkg) {
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [__dirname] }));
  } catch {
    return undefined;
  }
  const file = path.join(dir, process.platform === 'win32' ? 'durable-lsp.exe' : 'durable-lsp');
  return fs.existsSync(file) ? file : undefined;
}

function findBinary() {
  const override = process.env.DURABLE_LSP_BINARY;
  if (override) return override;
  const fitting = candidates();
  if (fitting.length === 0) {
    fail(
      `no prebuilt binary for ${process.platform}-${process.arch}; build it with ` +
        '`cargo install --locked --git https://github.com/durable-lsp/durable-lsp durable-lsp` ' +
        'and set DURABLE_LSP_BINARY to its path',
    );
  }
  for (const platform of fitting) {
    const binary = binaryOf(platform.package);
    if (binary) return binary;
  }
  fail(
    `the package ${fitting[0].package}, which holds the binary for this platform, is not installed ` +
      '(npm skips optional dependencies with --omit=optional or --no-optional, and a lockfile made ' +
      'elsewhere may lack it): run `npm install durable-lsp` again without those options',
  );
}

const binary = findBinary();
const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });

// A signal sent to the launcher (an editor stopping the server) goes on to the binary; the
// launcher then ends the way the binary did.
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of forwarded) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (err) => fail(`cannot run ${binary}: ${err.message}`));
child.on('exit', (code, signal) => {
  if (signal) {
    // Ends the launcher by the same signal; where Node ignores it (SIGPIPE), with 128 + its
    // number, as a shell reports it.
    for (const s of forwarded) process.removeAllListeners(s);
    process.exitCode = 128 + (os.constants.signals[signal] ?? 0);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? NO_BINARY);
});
