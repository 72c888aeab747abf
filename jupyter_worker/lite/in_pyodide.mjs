// A Pyodide in Node with bytecode_in_pyodide.py importable, for the build's
// two bytecode scripts: bytecode.mjs (the offline Pyodide's files) and
// labextension/scripts/worker-bytecode.mjs (the worker's own Python files).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Load the Pyodide in `dir` (with lock `packages`) and import
 * `bytecode_in_pyodide` in it: `{ pyodide, helper }`.
 */
export async function loadBytecodeHelper(dir, packages = []) {
  const { loadPyodide } = await import(pathToFileURL(`${dir}/pyodide.mjs`).href);
  const pyodide = await loadPyodide({
    indexURL: `${dir}/`,
    packages,
    stdout: () => {},
    stderr: console.error,
  });
  const source = readFileSync(new URL('bytecode_in_pyodide.py', import.meta.url));
  pyodide.FS.writeFile('/tmp/bytecode_in_pyodide.py', source);
  pyodide.runPython('import sys; sys.path.insert(0, "/tmp")');
  return { pyodide, helper: pyodide.pyimport('bytecode_in_pyodide') };
}
