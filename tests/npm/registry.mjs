#!/usr/bin/env node
// A read-only npm registry on 127.0.0.1 that serves the tarballs in one folder and nothing else,
// so that the npm tests install durable-lsp the way users do (`npm install durable-lsp`, the
// platform package chosen by npm from its os/cpu/libc) with no network beyond these tarballs.
// Any other package is a 404: an install that needs one fails.
//
// Usage: node registry.mjs TARBALL_DIR PORT_FILE
// Serves every *.tgz in TARBALL_DIR (their package.json read from inside), writes the URL it
// listens on to PORT_FILE once ready, and logs each request on stdout. Stops on SIGTERM.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const [dir, portFile] = process.argv.slice(2);
if (!dir || !portFile) {
  console.error('usage: registry.mjs TARBALL_DIR PORT_FILE');
  process.exit(2);
}

/** The `package/package.json` entry of an npm tarball (a gzipped ustar archive). */
function manifestOf(tgz) {
  const tar = gunzipSync(tgz);
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = tar.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.toString('utf8', at + 124, at + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const body = at + 512;
    if (name === 'package/package.json') return JSON.parse(tar.toString('utf8', body, body + size));
    at = body + Math.ceil(size / 512) * 512;
  }
  throw new Error('no package/package.json in the tarball');
}

/** name -> { manifest, file, bytes } */
const packages = new Map();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
  const bytes = readFileSync(join(dir, file));
  packages.set(manifestOf(bytes).name, { manifest: manifestOf(bytes), file, bytes });
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://registry');
  const base = `http://${req.headers.host}`;
  const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  console.log(`${req.method} ${url.pathname}`);
  const tarball = path.startsWith('-/tarballs/') ? path.slice('-/tarballs/'.length) : null;
  if (tarball) {
    const found = [...packages.values()].find((p) => p.file === tarball);
    if (!found) return notFound(res);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.bytes.length });
    return res.end(found.bytes);
  }
  const pkg = packages.get(path);
  if (!pkg || req.method !== 'GET') return notFound(res);
  const { manifest, file, bytes } = pkg;
  const version = {
    ...manifest,
    _id: `${manifest.name}@${manifest.version}`,
    dist: {
      tarball: `${base}/-/tarballs/${encodeURIComponent(file)}`,
      shasum: createHash('sha1').update(bytes).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    },
  };
  const packument = {
    _id: manifest.name,
    name: manifest.name,
    'dist-tags': { latest: manifest.version },
    versions: { [manifest.version]: version },
    time: { [manifest.version]: new Date(0).toISOString() },
  };
  const body = JSON.stringify(packument);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

function notFound(res) {
  const body = JSON.stringify({ error: 'not found' });
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  writeFileSync(portFile, `http://127.0.0.1:${port}/\n`);
  console.log(`serving ${[...packages.keys()].join(', ')} on port ${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
