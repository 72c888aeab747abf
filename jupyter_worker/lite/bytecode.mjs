// Add Python bytecode to an offline Pyodide: `bytecode_in_pyodide.py`, run
// inside that Pyodide. node bytecode.mjs DIST PACKAGES IMPORTS
// DIST holds the Pyodide core (pyodide.mjs, its wasm, python_stdlib.zip), the
// wheels and their lock; the files are rewritten in place. PACKAGES (lock
// packages to load) and IMPORTS (modules to import) are JSON lists: what a
// kernel start loads and imports.
import { resolve } from 'node:path';

import { loadBytecodeHelper } from './in_pyodide.mjs';

const dist = resolve(process.argv[2]);
const packages = JSON.parse(process.argv[3]);
const imports = JSON.parse(process.argv[4]);
const { pyodide, helper } = await loadBytecodeHelper(dist, packages);
pyodide.FS.mkdirTree('/dist');
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: dist }, '/dist');
console.log(helper.main('/dist', '/dist/python_stdlib.zip', pyodide.toPy(imports)));
