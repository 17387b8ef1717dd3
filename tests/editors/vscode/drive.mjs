// Drives code-server (VS Code in the browser), with the durable-lsp extension installed and a copy
// of examples/mistakes open, from Debian's Chromium through playwright-core. Run by run.sh.
// Usage: PROJECT=<copy of examples/mistakes> SETTINGS=<code-server's user settings.json> SHOT_DIR=<dir> \
//   node drive.mjs <code-server url>
// Checks, in order, each saving a screenshot into SHOT_DIR:
//   1. the Problems panel lists durable-lsp's unknown-binding for `env.COUNTERS`, the status
//      bar item reports the indexed Worker, and the server that runs is the one bundled in the
//      platform .vsix;
//   2. a hover over `env.COUNTER` shows durable-lsp's binding description;
//   3. the quick fix for unknown-binding, picked from the code action menu, turns `env.COUNTERS`
//      into `env.COUNTER` (checked in the saved file) and the diagnostic goes away;
//   4. typing `env.` offers the binding COUNTER in the suggest widget; accepting it inserts it;
//   5. the setting durableLsp.rules {"unknown-class": "off"} removes that rule's problem;
//   6. the commands "durable-lsp: Restart Server" (problems and status come back) and
//      "durable-lsp: Show Output" (the server's output channel);
//   7. the Explorer's "Durable Objects" view lists the Worker; expanded, it shows the class
//      the binding COUNTER reaches, and clicking that class opens src/counter.ts with the class's
//      name selected at its declaration (10-map-view.png);
//   8. durableLsp.server.path set to a missing file: an error names the setting, and its
//      "Open Settings" button opens it.
// Exits 1 with a FAIL line naming the first check that failed.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const url = process.argv[2];
const project = process.env.PROJECT;
const shots = process.env.SHOT_DIR;
const settingsFile = process.env.SETTINGS;
const machineSettingsFile = settingsFile && join(dirname(dirname(settingsFile)), 'Machine', 'settings.json');
if (!url || !project || !shots || !settingsFile) {
  console.error('usage: PROJECT=<dir> SETTINGS=<user settings.json> SHOT_DIR=<dir> node drive.mjs <url>');
  process.exit(2);
}
const indexFile = join(project, 'src', 'index.ts');
mkdirSync(shots, { recursive: true });

const t0 = Date.now();
const log = (...args) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...args);
class CheckFailed extends Error {}
const pass = (what) => log('PASS', what);

/** Runs `step` up to `tries` times (the UI is sometimes slow to take a key); Escape between tries. */
async function retry(what, tries, step) {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (err) {
      if (i >= tries) throw new CheckFailed(`${what}: ${err.message.split('\n')[0]}`);
      log(`retrying (${i}/${tries}) ${what}: ${err.message.split('\n')[0]}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/** The lines in which the extension logged starting the server (its output channel, on disk). */
function serverStartLines() {
  const logs = join(dirname(dirname(settingsFile)), 'logs');
  const lines = [];
  for (const file of readdirSync(logs, { recursive: true })) {
    if (String(file).endsWith('durable-lsp.log')) {
      lines.push(...readFileSync(join(logs, String(file)), 'utf8').split('\n').filter((l) => /^starting .* serve( \(.*\))?$/.test(l)));
    }
  }
  return lines;
}

/** How many times the extension logged starting the server (its output channel, on disk). */
function serverStarts() {
  const logs = join(dirname(dirname(settingsFile)), 'logs');
  let starts = 0;
  for (const file of readdirSync(logs, { recursive: true })) {
    if (String(file).endsWith('durable-lsp.log')) {
      starts += readFileSync(join(logs, String(file)), 'utf8').split('\n').filter((l) => /^starting .* serve( \(.*\))?$/.test(l)).length;
    }
  }
  return starts;
}

/** Runs a command from the Command Palette (F1) by its title. */
async function runCommand(title) {
  await retry(`run the command ${title}`, 3, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first()
      .waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 5000 });
  });
}

/**
 * Adds `entries` to the user settings the way a user would: in the settings.json editor (code-server
 * does not notice the file changing on disk). Returns with the editor closed and the file saved.
 */
async function writeSettings(entries) {
  // One line: typing newlines would auto-indent (run.sh turns auto-closing off for JSON).
  const text = JSON.stringify({ ...JSON.parse(readFileSync(settingsFile, 'utf8')), ...entries });
  await retry('edit the user settings.json', 3, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill('>Preferences: Open User Settings (JSON)');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Open User Settings (JSON)' }).first();
    await row.waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'settings.json' }).waitFor({ timeout: 10000 });
    await page.locator('.editor-instance .monaco-editor.focused').waitFor({ timeout: 5000 });
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
    // Whatever the editor closed automatically lands after the cursor: drop it.
    await page.keyboard.press('Control+Shift+End');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 5000 });
    const saved = JSON.parse(readFileSync(settingsFile, 'utf8'));
    for (const [key, value] of Object.entries(entries)) {
      if (JSON.stringify(saved[key]) !== JSON.stringify(value)) throw new Error(`settings.json lacks ${key}`);
    }
    await page.keyboard.press('Control+W');
  });
}

/** 1-based line and column of `needle` (plus `offset`) in the file on disk. */
function positionOf(file, needle, offset = 0) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new CheckFailed(`${file} has no line containing ${needle}`);
  return { line: line + 1, column: lines[line].indexOf(needle) + offset + 1 };
}

const profileDir = mkdtempSync(join(tmpdir(), 'durable-lsp-chromium-'));
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(15000);
page.on('pageerror', (err) => log('page error:', err.message));
const editor = page.locator('.editor-instance .monaco-editor').first();

async function shot(name) {
  const path = join(shots, name);
  await page.screenshot({ path });
  log('screenshot', path);
}

/** Focuses the editor (Ctrl+1: the first editor group) without clicking into its text. */
async function focusEditor() {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+1');
  await page.locator('.editor-instance .monaco-editor.focused').waitFor({ timeout: 5000 });
}

/** Puts the cursor at a 1-based line and column with "Go to Line/Column" (Ctrl+G). */
async function goTo({ line, column }) {
  await retry(`go to ${line}:${column}`, 3, async () => {
    await focusEditor();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(`:${line}:${column}`);
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 5000 });
  });
}

async function problemRows() {
  return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

async function waitForProblems(predicate, what, timeout) {
  const deadline = Date.now() + timeout;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await problemRows();
    if (predicate(rows)) return rows;
    await page.waitForTimeout(500);
  }
  throw new CheckFailed(`${what} (Problems panel rows: ${JSON.stringify(rows)})`);
}

let failure;
try {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  log('workbench loaded');

  // Open src/index.ts from the explorer.
  await retry('open src/index.ts from the explorer', 3, async () => {
    const tree = page.locator('.explorer-folders-view .monaco-list-row');
    const index = tree.filter({ hasText: /^index\.ts$/ }).first();
    if (!(await index.isVisible())) {
      await tree.filter({ hasText: /^src$/ }).first().click({ timeout: 20000 });
    }
    await index.click({ timeout: 10000 });
    await page.locator('.tab.active', { hasText: 'index.ts' }).waitFor({ timeout: 10000 });
    await editor.locator('.view-lines').waitFor({ timeout: 10000 });
  });
  log('src/index.ts open');

  // 1. The diagnostic in the Problems panel, and the status bar item.
  await retry('open the Problems panel', 3, async () => {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 5000 });
  });
  const rows = await waitForProblems(
    (r) => r.some((t) => t.includes('env.COUNTERS') || t.includes('COUNTERS')),
    'no durable-lsp diagnostic about `COUNTERS` within 60 s',
    60000,
  );
  log('Problems:', JSON.stringify(rows));
  const diagnostic = rows.find((t) => t.includes('COUNTERS'));
  if (!diagnostic.includes('durable-lsp') || !diagnostic.includes('unknown-binding')) {
    throw new CheckFailed(`the COUNTERS problem is not from durable-lsp(unknown-binding): ${diagnostic}`);
  }
  pass('Problems panel shows durable-lsp(unknown-binding) for env.COUNTERS');
  const status = page.locator('.statusbar-item', { hasText: 'durable-lsp' }).first();
  await status.waitFor({ timeout: 10000 }).catch(() => {});
  let statusText = '';
  for (let i = 0; i < 40 && !/Worker/.test(statusText); i++) {
    statusText = (await status.innerText().catch(() => '')).trim();
    if (!/Worker/.test(statusText)) await page.waitForTimeout(500);
  }
  if (!/durable-lsp: 1 Worker/.test(statusText)) {
    throw new CheckFailed(`status bar item reads ${JSON.stringify(statusText)}, expected "durable-lsp: 1 Worker"`);
  }
  pass(`status bar item reads ${JSON.stringify(statusText)}`);
  // The .vsix's own binary serves (run.sh installs the linux-x64 platform .vsix, leaves
  // durable-lsp off PATH, and the project has no node_modules/.bin/durable-lsp).
  const started = serverStartLines()[0] ?? '';
  if (!/\/durable-lsp\.durable-lsp-[^/]+\/server\/durable-lsp serve \(bundled with the extension\)$/.test(started)) {
    throw new CheckFailed(`the server started is not the one bundled in the .vsix: ${JSON.stringify(started)}`);
  }
  pass(`the bundled server runs: ${started}`);
  await shot('1-problems.png');

  // 2. Hover over `env.COUNTER` (the binding that exists).
  const counter = positionOf(indexFile, 'env.COUNTER.getByName(name)', 'env.'.length + 2);
  const hoverText = await retry('hover over env.COUNTER', 3, async () => {
    await goTo(counter);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover-content', { hasText: 'Durable Object namespace' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10000 });
    return hover.innerText();
  });
  log('hover:', JSON.stringify(hoverText));
  if (!hoverText.includes('DurableObjectNamespace<Counter>')) {
    throw new CheckFailed(`the hover lacks DurableObjectNamespace<Counter>: ${hoverText}`);
  }
  pass('hover over env.COUNTER shows the durable-lsp binding description');
  await shot('2-hover.png');
  await page.keyboard.press('Escape');

  // 3. The quick fix for `env.COUNTERS`.
  const counters = positionOf(indexFile, 'env.COUNTERS.idFromName', 'env.'.length + 2);
  const fixTitle = await retry('quick fix menu for env.COUNTERS', 3, async () => {
    await goTo(counters);
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: /Change to .?COUNTER\b/ }).first();
    await item.waitFor({ state: 'visible', timeout: 8000 }).catch(async () => {
      await shot('3-quickfix-menu-missing.png');
      await page.keyboard.press('Control+.'); // the first press is sometimes lost while focus settles
      await item.waitFor({ state: 'visible', timeout: 12000 });
    });
    const titles = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
    log('code actions:', JSON.stringify(titles));
    await shot('3-quickfix-menu.png');
    const title = (await item.innerText()).trim();
    // Keyboard rather than a click: the menu animates in, which makes clicks time out.
    for (let i = 0; i < titles.length && !(await item.evaluate((e) => e.classList.contains('focused'))); i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 5000 });
    return title;
  });
  log('applied:', JSON.stringify(fixTitle));
  await retry('save src/index.ts', 3, async () => {
    await focusEditor();
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 5000 });
  });
  const fixedLine = readFileSync(indexFile, 'utf8').split('\n')[counters.line - 1];
  if (!fixedLine.includes('env.COUNTER.idFromName(name)')) {
    throw new CheckFailed(`after the quick fix, line ${counters.line} reads ${JSON.stringify(fixedLine)}`);
  }
  pass(`quick fix "${fixTitle}" made line ${counters.line}: ${fixedLine.trim()}`);
  await waitForProblems((r) => !r.some((t) => t.includes('COUNTERS')), 'unknown-binding stayed after the fix', 30000);
  pass('the unknown-binding problem went away');
  await shot('4-quickfix-applied.png');

  // 4. Completion after `env.` on a new line in fetch().
  const anchor = positionOf(indexFile, 'const url = new URL(request.url);');
  const suggestions = await retry('completion after env.', 3, async () => {
    await goTo({ line: anchor.line, column: 1 });
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('env.', { delay: 50 });
    const item = page.locator('.suggest-widget .monaco-list-row', { hasText: 'COUNTER' }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: 10000 }).catch(async () => {
        await page.keyboard.press('Control+Space'); // in case the trigger character was missed
        await item.waitFor({ state: 'visible', timeout: 10000 });
      });
    } catch (err) {
      // Undo the typed line so that the next try starts from the same text.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Z');
      await page.keyboard.press('Control+Z');
      throw err;
    }
    return page.locator('.suggest-widget .monaco-list-row').allInnerTexts();
  });
  log('suggestions:', JSON.stringify(suggestions));
  for (const binding of ['COUNTER', 'SESSIONS', 'RATE_LIMITER']) {
    if (!suggestions.some((s) => s.includes(binding))) {
      throw new CheckFailed(`the suggest widget lacks the binding ${binding}`);
    }
  }
  pass('completion after env. lists COUNTER, SESSIONS and RATE_LIMITER');
  await shot('5-completion.png');
  await page.keyboard.type('COUN', { delay: 50 });
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await retry('save src/index.ts', 3, async () => {
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 5000 });
  });
  const insertedLine = readFileSync(indexFile, 'utf8').split('\n')[anchor.line];
  if (insertedLine.trim() !== 'env.COUNTER') {
    throw new CheckFailed(`accepting the completion left ${JSON.stringify(insertedLine)}, expected env.COUNTER`);
  }
  pass('accepting the completion inserted env.COUNTER');

  // 5. `durableLsp.rules` reaches the running server: turning unknown-class off removes its problem.
  const rowsBefore = await problemRows();
  if (!rowsBefore.some((t) => t.includes('unknown-class'))) {
    throw new CheckFailed(`no unknown-class problem to turn off: ${JSON.stringify(rowsBefore)}`);
  }
  await writeSettings({ 'durableLsp.rules': { 'unknown-class': 'off' } });
  await waitForProblems(
    (r) => !r.some((t) => t.includes('unknown-class')) && r.some((t) => t.includes('missing-migration')),
    'setting durableLsp.rules {"unknown-class": "off"} did not remove the unknown-class problem',
    30000,
  );
  pass('durableLsp.rules {"unknown-class": "off"} removed the unknown-class problem, the others stay');
  await shot('6-rules-setting.png');

  // 6. The commands: Restart Server brings the server (and its problems) back; Show Output shows
  // the server's output channel.
  const startsBefore = serverStarts();
  await runCommand('durable-lsp: Restart Server');
  const restarted = Date.now() + 20000;
  while (serverStarts() <= startsBefore && Date.now() < restarted) await page.waitForTimeout(300);
  if (serverStarts() <= startsBefore) {
    throw new CheckFailed(`durable-lsp: Restart Server started no new server (${startsBefore} starts logged)`);
  }
  await waitForProblems((r) => r.some((t) => t.includes('missing-migration')), 'no problems after a restart', 30000);
  await status.filter({ hasText: 'durable-lsp: 1 Worker' }).waitFor({ timeout: 20000 }).catch(() => {
    throw new CheckFailed('the status bar item did not come back to "durable-lsp: 1 Worker" after a restart');
  });
  pass(`durable-lsp: Restart Server started server ${serverStarts()}; problems and status came back`);
  await runCommand('durable-lsp: Show Output');
  const channelShown = async () => {
    const selected = await page.locator('.panel select').evaluateAll((boxes) =>
      boxes.map((box) => box.options[box.selectedIndex]?.text ?? ''));
    return selected.includes('durable-lsp');
  };
  for (let i = 0; i < 30 && !(await channelShown()); i++) await page.waitForTimeout(500);
  if (!(await channelShown())) {
    throw new CheckFailed('durable-lsp: Show Output did not select the durable-lsp output channel');
  }
  await page.locator('.output-view .view-lines', { hasText: 'durable-lsp/status' }).first()
    .waitFor({ state: 'visible', timeout: 15000 })
    .catch(() => {
      throw new CheckFailed('the durable-lsp output channel shows no protocol trace');
    });
  pass('durable-lsp: Show Output shows the server output channel');
  await shot('7-output.png');

  // 7. The "Durable Objects" view (durable-lsp/graph): expand the Worker, click the class that
  // COUNTER reaches, and the editor shows its declaration with the name selected.
  const declaration = positionOf(join(project, 'src', 'counter.ts'), 'class Counter', 'class '.length);
  // The Output panel of step 6 and the folder's file tree would squeeze the view: out of the way.
  await runCommand('View: Hide Panel');
  await retry('open the Durable Objects view', 3, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+E');
    const folder = page.locator('.pane-header', { hasText: /^mistakes$/i }).first();
    if ((await folder.count()) > 0 && (await folder.getAttribute('aria-expanded')) === 'true') await folder.click();
    const header = page.locator('.pane-header', { hasText: 'Durable Objects' }).first();
    await header.waitFor({ state: 'visible', timeout: 10000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  });
  const mapPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Durable Objects' }) }).first();
  const mapRow = (text) => mapPane.locator('.monaco-list-row', { hasText: text }).first();
  await retry('expand the Worker mistakes in the Durable Objects view', 3, async () => {
    const worker = mapRow('mistakes');
    await worker.waitFor({ state: 'visible', timeout: 15000 });
    if ((await worker.getAttribute('aria-expanded')) !== 'true') await worker.locator('.monaco-tl-twistie').click();
    await mapRow('COUNTER').waitFor({ state: 'visible', timeout: 5000 });
  });
  const mapRows = await mapPane.locator('.monaco-list-row').allInnerTexts();
  log('Durable Objects view:', JSON.stringify(mapRows));
  for (const label of ['SESSIONS', 'RATE_LIMITER', 'Counter · SQLite · live', 'Sessions · no storage · no lifecycle']) {
    if (!mapRows.some((r) => r.includes(label))) throw new CheckFailed(`the Durable Objects view lacks ${label}`);
  }
  await retry('open Counter from the Durable Objects view', 3, async () => {
    await mapRow('Counter · SQLite · live').click();
    await page.locator('.tab.active', { hasText: 'counter.ts' }).waitFor({ timeout: 10000 });
    // The class name is selected: the cursor at its end, `Counter`'s 7 characters selected.
    const cursor = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
    const expected = `Ln ${declaration.line}, Col ${declaration.column + 'Counter'.length} (7 selected)`;
    await cursor.filter({ hasText: expected }).waitFor({ timeout: 5000 }).catch(async () => {
      throw new Error(`the status bar reads ${JSON.stringify(await cursor.innerText())}, expected ${expected}`);
    });
  });
  pass(`the Durable Objects view opened src/counter.ts at class Counter (line ${declaration.line})`);
  await shot('10-map-view.png');

  // 8. A server path that does not exist, typed into the Settings editor: the server restarts, is
  // not found, and an error names the setting with a button that opens it.
  await retry('set durableLsp.server.path in the Settings editor', 3, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Comma');
    const search = page.locator('.settings-editor .settings-header .monaco-editor textarea').first();
    await search.waitFor({ timeout: 10000 });
    await search.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('durableLsp.server.path');
    // A machine-overridable setting: code-server lists it under the Remote tab (Machine/settings.json).
    await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).first().click();
    const input = page.locator('.settings-editor .setting-item-contents', { hasText: 'Path to the' })
      .locator('input').first();
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill('/nonexistent/durable-lsp');
    await input.press('Tab');
    const deadline = Date.now() + 5000;
    while (!readFileSync(machineSettingsFile, { encoding: 'utf8', flag: 'a+' }).includes('/nonexistent/durable-lsp')) {
      if (Date.now() > deadline) throw new Error('the setting did not reach settings.json');
      await page.waitForTimeout(200);
    }
    await page.keyboard.press('Control+W');
  });
  const toast = page.locator('.notification-toast', { hasText: 'durableLsp.server.path' }).first();
  await toast.waitFor({ state: 'visible', timeout: 30000 }).catch(() => {
    throw new CheckFailed('no error naming durableLsp.server.path after setting it to a missing file');
  });
  log('notification:', JSON.stringify((await toast.innerText()).trim()));
  await page.waitForTimeout(500); // let the toast finish sliding in before the screenshot
  await shot('8-no-server.png');
  await toast.locator('.monaco-button', { hasText: 'Open Settings' }).first().click({ timeout: 10000 });
  // The Settings editor opens on the setting (under code-server's Remote tab: it is machine-specific).
  await page.locator('.settings-editor .setting-item-contents', { hasText: 'Path to the' }).first()
    .waitFor({ state: 'visible', timeout: 20000 })
    .catch(() => {
      throw new CheckFailed('"Open Settings" did not show the durableLsp.server.path setting');
    });
  pass('a missing server shows an error naming durableLsp.server.path; its button opens the setting');
  await shot('9-settings.png');
} catch (err) {
  failure = err instanceof CheckFailed ? err.message : `unexpected error: ${err.stack ?? err}`;
  await shot('error.png').catch(() => {});
} finally {
  await context.close().catch(() => {});
  rmSync(profileDir, { recursive: true, force: true });
}
if (failure) {
  log('FAIL', failure);
  process.exit(1);
}
log('VS Code E2E OK');
