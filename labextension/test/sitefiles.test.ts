/**
 * A snapshot's installed files, read from one Pyodide's file system and put
 * back into another's (the npm Pyodide, in Node), as Python then sees them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ISiteFs } from '../src/worker/sitefiles';
import { readTree, writeTree } from '../src/worker/sitefiles';
import { nodePyodide, pythonFiles as tree } from './nodepyodide';

interface IPyodide {
  FS: ISiteFs;
  runPython(code: string): unknown;
}

const made = nodePyodide<IPyodide>();

test('files read below one root are written back below another, as they were', async () => {
  const py = await made;
  py.runPython(
    [
      'import pathlib',
      'for name, text in {"a/x.py": "x = 1", "a/b/y.py": "y = 2" * 1000, "z.txt": "", "a/b/c/w": "w"}.items():',
      '    path = pathlib.Path("/tmp/from", name)',
      '    path.parent.mkdir(parents=True, exist_ok=True)',
      '    path.write_text(text)',
    ].join('\n'),
  );
  const { files, paths } = readTree(py.FS, '/tmp/from');
  assert.equal(paths.length, 4);
  writeTree(py.FS, '/tmp/to', paths, files);
  assert.deepEqual(tree(py, '/tmp/to'), tree(py, '/tmp/from'));
  py.runPython('import sys; sys.path.insert(0, "/tmp/to/a")');
  assert.equal(py.runPython('import x; x.x'), 1);
});

test('a file put back can be rewritten, grown, appended and removed; the bytes given stay', async () => {
  const py = await made;
  const text = 'abcdef';
  const files = new TextEncoder().encode(text + text);
  writeTree(
    py.FS,
    '/tmp/edit',
    [
      ['one', 6],
      ['two', 6],
    ],
    files,
  );
  py.runPython(
    [
      'import os, pathlib',
      'root = pathlib.Path("/tmp/edit")',
      'root.joinpath("one").write_text("XY")',
      'with open(root / "two", "r+") as f:',
      '    f.write("Q")',
      'with open(root / "two", "a") as f:',
      '    f.write("-more" * 100)',
    ].join('\n'),
  );
  assert.deepEqual(tree(py, '/tmp/edit'), { one: 'XY', two: 'Qbcdef' + '-more'.repeat(100) });
  py.runPython('pathlib.Path("/tmp/edit/one").unlink()');
  assert.deepEqual(Object.keys(tree(py, '/tmp/edit')), ['two']);
  assert.equal(new TextDecoder().decode(files), text + text);
});

test('a file that exists is replaced', async () => {
  const py = await made;
  py.runPython(
    'import pathlib; pathlib.Path("/tmp/there").mkdir(); pathlib.Path("/tmp/there/f").write_text("old text")',
  );
  writeTree(py.FS, '/tmp/there', [['f', 3]], new TextEncoder().encode('new'));
  assert.deepEqual(tree(py, '/tmp/there'), { f: 'new' });
});

test('sizes that do not add up to the bytes are a damaged snapshot, and nothing is written', async () => {
  const py = await made;
  assert.throws(
    () => writeTree(py.FS, '/tmp/bad', [['f', 4]], new Uint8Array(3)),
    /damaged \(its files do not add up\)/,
  );
  assert.equal(py.runPython('import os; os.path.exists("/tmp/bad")'), false);
});
