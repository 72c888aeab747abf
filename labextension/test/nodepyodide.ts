/**
 * The npm package's Pyodide in Node, for tests that need a real one, and
 * Python's view of its files.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** What these tests call on every Pyodide. */
export interface INodePyodide {
  runPython(code: string): unknown;
}

/** A Pyodide of the npm package (imported by path: the test bundle does not hold it). */
export async function nodePyodide<T extends INodePyodide>(): Promise<T> {
  const script = createRequire(import.meta.url).resolve('pyodide/pyodide.mjs');
  const module = (await import(pathToFileURL(script).href)) as {
    loadPyodide(options: object): Promise<T>;
  };
  return module.loadPyodide({ stdout: () => undefined });
}

/** Python's view of the files below `root`: relative path -> text. */
export function pythonFiles(py: INodePyodide, root: string): Record<string, string> {
  const json = py.runPython(
    [
      'import json, pathlib',
      `root = pathlib.Path(${JSON.stringify(root)})`,
      'json.dumps({str(p.relative_to(root)): p.read_text() for p in root.rglob("*") if p.is_file()})',
    ].join('\n'),
  );
  return JSON.parse(String(json)) as Record<string, string>;
}
