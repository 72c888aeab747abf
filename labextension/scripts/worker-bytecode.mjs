// Bytecode of the worker's own Python files (the ones src/worker/pyfiles.ts
// bundles as text), compiled by the Pyodide the labextension depends on:
// lib/worker/jupyter-worker-bytecode.json, copied next to the worker's
// script. The worker writes each .pyc beside its source at start
// (src/worker/bytecode.ts); a stale one is ignored (checked against the source).
//   node scripts/worker-bytecode.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadBytecodeHelper } from '../../jupyter_worker/lite/in_pyodide.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const out = resolve(here, '..', 'lib', 'worker', 'jupyter-worker-bytecode.json');

// the files pyfiles.ts bundles, by their path below site-packages
const pyfiles = readFileSync(resolve(here, '..', 'src', 'worker', 'pyfiles.ts'), 'utf8');
const paths = [...pyfiles.matchAll(/from '\.\.\/\.\.\/\.\.\/(jupyter_worker\/[^']+\.py)';/g)].map(
  (match) => match[1],
);
const sources = Object.fromEntries(
  paths.map((path) => [path, readFileSync(resolve(root, path), 'utf8')]),
);

const pyodideDir = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
const { pyodide, helper } = await loadBytecodeHelper(pyodideDir);
const compiled = helper.worker_bytecode(pyodide.toPy(sources));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, compiled);
console.log(`bytecode of ${paths.length} worker Python files: ${out}`);
