#!/usr/bin/env node
// Runs the steps of a composite action (action.yml) the way the GitHub Actions runner does, on
// this machine: each `run` step with `shell: bash` as `bash --noprofile --norc -eo pipefail`,
// its `env` and `working-directory` evaluated, GITHUB_OUTPUT read back into the step's outputs,
// GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH and RUNNER_TEMP set. The expressions it evaluates are
// the ones action.yml uses: `inputs.X`, `runner.temp`, `github.action_path`, `github.token` (in
// an input's default; GITHUB_TOKEN of this environment, else empty) and
// `steps.ID.outputs.NAME`, plus `if:` conditions of the form `inputs.X == 'v' && ...`. A `uses`
// step (the SARIF upload) cannot run here: it is reported as skipped, or as not reached when its
// condition is false. Anything else is refused, so the test never runs a step differently from
// the runner.
//
// Usage: node run-steps.mjs ACTION_YML WORKSPACE RESULT_JSON [name=value ...]
// Inputs not given take their defaults. Exits with the status of the first failing step (the
// runner stops there too) and writes { steps: [{ name, status, skipped }], outputs, summary }
// to RESULT_JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const YAML = require(join(here, '../tools/node_modules/yaml'));

const [actionFile, workspaceArg, resultFile, ...assignments] = process.argv.slice(2);
if (!actionFile || !workspaceArg || !resultFile) {
  console.error('usage: run-steps.mjs ACTION_YML WORKSPACE RESULT_JSON [name=value ...]');
  process.exit(2);
}
const action = YAML.parse(readFileSync(actionFile, 'utf8'));
const actionPath = dirname(resolve(actionFile));
const workspace = resolve(workspaceArg);
const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
const summaryFile = join(runnerTemp, 'step-summary.md');
writeFileSync(summaryFile, '');

if (action.runs?.using !== 'composite') throw new Error('not a composite action');
const inputs = {};
for (const [name, spec] of Object.entries(action.inputs ?? {})) inputs[name] = interpolate(spec.default ?? '');
for (const assignment of assignments) {
  const at = assignment.indexOf('=');
  const name = assignment.slice(0, at);
  if (!(name in inputs)) throw new Error(`action.yml has no input ${name}`);
  inputs[name] = assignment.slice(at + 1);
}
const steps = {};

function value(expr) {
  const e = expr.trim();
  let m;
  if ((m = /^inputs\.([\w-]+)$/.exec(e))) {
    if (!(m[1] in inputs)) throw new Error(`unknown input ${m[1]}`);
    return inputs[m[1]];
  }
  if (e === 'runner.temp') return runnerTemp;
  if (e === 'github.action_path') return actionPath;
  if (e === 'github.token') return process.env.GITHUB_TOKEN ?? '';
  if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return steps[m[1]]?.outputs?.[m[2]] ?? '';
  throw new Error(`run-steps.mjs cannot evaluate the expression ${e}`);
}

function interpolate(text) {
  return String(text).replace(/\$\{\{(.*?)\}\}/g, (_, expr) => value(expr));
}

/** `a == 'x' && b == 'y'` conditions, as action.yml writes them. */
function condition(text) {
  return String(text)
    .split('&&')
    .every((part) => {
      const m = /^\s*([\w.-]+)\s*==\s*'([^']*)'\s*$/.exec(part);
      if (!m) throw new Error(`run-steps.mjs cannot evaluate the condition ${text}`);
      return value(m[1]) === m[2];
    });
}

function readOutputs(file) {
  const outputs = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      outputs[heredoc[1]] = body.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

const report = [];
let failed = 0;
for (const [index, step] of action.runs.steps.entries()) {
  const name = step.name ?? step.id ?? `step ${index + 1}`;
  if (step.if !== undefined && !condition(step.if)) {
    console.log(`--- ${name}: not run (if: ${step.if})`);
    report.push({ name, skipped: 'condition' });
    continue;
  }
  if (step.uses) {
    console.log(`--- ${name}: skipped here (uses ${step.uses})`);
    report.push({ name, skipped: `uses ${step.uses}` });
    continue;
  }
  if (step.shell !== 'bash' || typeof step.run !== 'string') throw new Error(`${name}: only shell: bash run steps`);
  const output = join(runnerTemp, `output-${index}`);
  writeFileSync(output, '');
  const script = join(runnerTemp, `step-${index}.sh`);
  writeFileSync(script, step.run);
  const env = { ...process.env };
  for (const [key, val] of Object.entries(step.env ?? {})) env[key] = interpolate(val);
  Object.assign(env, {
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
  });
  const dir = step['working-directory'] ? interpolate(step['working-directory']) : '.';
  console.log(`--- ${name}`);
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: isAbsolute(dir) ? dir : join(workspace, dir),
    env,
    stdio: 'inherit',
  });
  const status = run.status ?? 128;
  if (step.id) steps[step.id] = { outputs: readOutputs(output) };
  report.push({ name, status });
  if (status !== 0) {
    console.log(`--- ${name}: failed with exit ${status}`);
    failed = status;
    break;
  }
}
const outputs = {};
for (const [name, spec] of Object.entries(action.outputs ?? {})) outputs[name] = interpolate(spec.value);
writeFileSync(resultFile, JSON.stringify({ steps: report, outputs, summary: readFileSync(summaryFile, 'utf8') }, null, 2));
process.exit(failed);
