/**
 * The start's wheels unpacked in JavaScript leave what Pyodide's own loader
 * leaves (the npm Pyodide, in Node: one instance installs a wheel with
 * `loadPackage`, another from the unpacked tree).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { zipSync, strToU8 } from 'fflate';

import type { IWheelPyodide } from '../src/worker/wheeltree';
import { installWheelTree, joinWheels, unpackWheel } from '../src/worker/wheeltree';
import { nodePyodide, pythonFiles as files } from './nodepyodide';

interface IPyodide extends IWheelPyodide {
  loadPackage(names: string[], options: object): Promise<unknown>;
}

const WHEEL = 'demo_pkg-1.0-py3-none-any.whl';

/** A wheel with a package, a folder entry, a data file and an INSTALLER of its own. */
const wheelBytes = zipSync({
  'demo_pkg/': new Uint8Array(),
  'demo_pkg/__init__.py': strToU8('from .sub.mod import VALUE\n'),
  'demo_pkg/sub/mod.py': strToU8('VALUE = 42\n'),
  'demo_pkg/sub/__init__.py': new Uint8Array(),
  'demo_pkg-1.0.data/data/share/demo_pkg/demo.1': strToU8('.TH DEMO 1\n'),
  'demo_pkg-1.0.dist-info/METADATA': strToU8(
    'Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n',
  ),
  'demo_pkg-1.0.dist-info/WHEEL': strToU8(
    'Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
  ),
  'demo_pkg-1.0.dist-info/INSTALLER': strToU8('pip\n'),
  'demo_pkg-1.0.dist-info/RECORD': strToU8(''),
});

/** The demo wheel's files below site-packages. */
function installed(py: IPyodide): Record<string, string> {
  const site = files(py, py._api.sitePackages);
  return Object.fromEntries(Object.entries(site).filter(([path]) => path.startsWith('demo_pkg')));
}

test("an unpacked wheel leaves the files, data files, metadata and record Pyodide's loader does", async () => {
  const [loaded, unpacked] = await Promise.all([nodePyodide<IPyodide>(), nodePyodide<IPyodide>()]);
  const folder = mkdtempSync(join(tmpdir(), 'wheeltree-'));
  writeFileSync(join(folder, WHEEL), wheelBytes);
  await loaded.loadPackage([join(folder, WHEEL)], { messageCallback: () => undefined });

  const tree = joinWheels([
    unpackWheel({ name: 'demo-pkg', fileName: WHEEL, sha256: 'ab'.repeat(32), bytes: wheelBytes }),
  ]);
  installWheelTree(unpacked, tree);

  const expected = installed(loaded);
  // (the loader records a wheel it got from a URL as from there; a lock's as from "pyodide")
  assert.equal(expected['demo_pkg-1.0.dist-info/PYODIDE_SOURCE'], join(folder, WHEEL));
  expected['demo_pkg-1.0.dist-info/PYODIDE_SOURCE'] = 'pyodide';
  assert.deepEqual(installed(unpacked), expected);
  assert.equal(expected['demo_pkg-1.0.dist-info/INSTALLER'], 'pyodide.loadPackage');
  assert.deepEqual(files(unpacked, '/share/demo_pkg'), files(loaded, '/share/demo_pkg'));
  assert.deepEqual(files(unpacked, '/share/demo_pkg'), { 'demo.1': '.TH DEMO 1\n' });
  assert.equal(unpacked.loadedPackages['demo-pkg'], 'default channel');
  assert.equal(
    unpacked
      .runPython(
        'import demo_pkg, importlib.metadata\n(demo_pkg.VALUE, importlib.metadata.version("demo-pkg"))',
      )
      ?.toString(),
    "(42, '1.0')",
  );
  // the tree given is left as it was (the page keeps it for its next workers)
  assert.deepEqual(
    joinWheels([unpackWheel({ name: 'demo-pkg', fileName: WHEEL, sha256: '', bytes: wheelBytes })])
      .files,
    tree.files,
  );
  assert.equal(tree.packages['demo-pkg'], 'ab'.repeat(32));
});

test('a wheel that is not a zip file, has no .dist-info or a file outside its folder is named in the error', () => {
  const garbage = {
    name: 'bad',
    fileName: 'bad-1-py3-none-any.whl',
    sha256: '',
    bytes: strToU8('not a zip'),
  };
  assert.throws(() => unpackWheel(garbage), /bad-1-py3-none-any.whl is not a zip file/);
  const bare = { ...garbage, bytes: zipSync({ 'bad/__init__.py': new Uint8Array() }) };
  assert.throws(() => unpackWheel(bare), /bad-1-py3-none-any.whl has no .dist-info folder/);
  for (const path of ['../escape.py', 'bad/../../escape.py', '/etc/escape.py']) {
    const escaping = {
      ...garbage,
      bytes: zipSync({ 'bad-1.dist-info/METADATA': new Uint8Array(), [path]: new Uint8Array() }),
    };
    assert.throws(() => unpackWheel(escaping), /names a file outside its folder/, path);
  }
});
