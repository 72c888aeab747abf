// Add Python bytecode to an offline Pyodide: `bytecode_in_pyodide.py`, run
// inside that Pyodide. node bytecode.mjs DIST PACKAGES IMPORTS
// DIST holds the Pyodide core (pyodide.mjs, its wasm, python_stdlib.zip), the
// wheels and their lock; the files are rewritten in place. PACKAGES (lock
// packages to load) and IMPORTS (modules to import) are JSON lists: what a
// kernel start loads and imports.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2]);
const packages = JSON.parse(process.argv[3]);
const imports = JSON.parse(process.argv[4]);
const { loadPyodide } = await import(pathToFileURL(`${dist}/pyodide.mjs`).href);
const pyodide = await loadPyodide({
  indexURL: `${dist}/`,
  packages,
  stdout: () => {},
  stderr: console.error,
});
pyodide.FS.mkdirTree('/dist');
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: dist }, '/dist');
const source = readFileSync(new URL('bytecode_in_pyodide.py', import.meta.url));
pyodide.FS.writeFile('/tmp/bytecode_in_pyodide.py', source);
pyodide.runPython('import sys; sys.path.insert(0, "/tmp")');
const module = pyodide.pyimport('bytecode_in_pyodide');
console.log(module.main('/dist', '/dist/python_stdlib.zip', pyodide.toPy(imports)));
