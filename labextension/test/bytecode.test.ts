/**
 * Where the worker writes the build's bytecode of its Python files.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cachedPath, decodeBase64 } from '../src/worker/bytecode';

test('a module and a package get their .pyc in the __pycache__ beside them', () => {
  assert.equal(
    cachedPath('jupyter_worker/worker/proxy.py', 'cpython-314'),
    'jupyter_worker/worker/__pycache__/proxy.cpython-314.pyc',
  );
  assert.equal(
    cachedPath('jupyter_worker/__init__.py', 'cpython-314'),
    'jupyter_worker/__pycache__/__init__.cpython-314.pyc',
  );
});

test('the .pyc bytes come back from base64 as they were', () => {
  const bytes = new Uint8Array([0, 13, 10, 255, 128, 42]);
  const text = Buffer.from(bytes).toString('base64');
  assert.deepEqual(decodeBase64(text), bytes);
});
