// Renders a Mermaid flowchart the way GitHub does (the mermaid library in a browser) and checks
// it: `mermaid.parse` accepts it, `mermaid.render` draws it, and every name given on the command
// line is a label in the drawing. Writes the SVG and a PNG screenshot of it.
// Usage: node render.mjs MAP.mmd OUT.svg OUT.png NAME...
// Exit 0: rendered with every name; 1: a parse or render error, or a name missing.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [input, svgOut, pngOut, ...names] = process.argv.slice(2);
if (!input || !svgOut || !pngOut) {
  console.error('usage: node render.mjs MAP.mmd OUT.svg OUT.png NAME...');
  process.exit(2);
}
const text = readFileSync(input, 'utf8');
const require = createRequire(import.meta.url);
const library = require.resolve('mermaid/dist/mermaid.min.js');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let status = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: library });
  const result = await page.evaluate(async (source) => {
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    try {
      await window.mermaid.parse(source);
    } catch (error) {
      return { error: `parse: ${error.message ?? error}` };
    }
    try {
      const { svg } = await window.mermaid.render('map', source);
      document.getElementById('out').innerHTML = svg;
      return { svg, labels: document.getElementById('out').textContent };
    } catch (error) {
      return { error: `render: ${error.message ?? error}` };
    }
  }, text);
  if (result.error) {
    console.error(`mermaid: ${result.error}`);
    status = 1;
  } else {
    writeFileSync(svgOut, result.svg);
    await page.locator('#out svg').screenshot({ path: pngOut });
    const missing = names.filter((name) => !result.labels.includes(name));
    if (missing.length > 0) {
      console.error(`mermaid: rendered, but without the labels ${missing.join(', ')}`);
      status = 1;
    } else {
      console.log(`mermaid: parsed and rendered (${result.svg.length} bytes of SVG), labels ${names.join(', ')}`);
    }
  }
} finally {
  await browser.close();
}
process.exit(status);
