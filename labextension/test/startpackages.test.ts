/**
 * A start loads the kernel packages the site's lock has with Pyodide itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { kernelPackagesPreloaded, withStartPackages } from '../src/worker/startpackages';

const asked: string[] = [];

/** Serve `lock` (or fail with `status`) as the site's lock. */
function serveLock(lock: unknown, status = 200): void {
  (globalThis as { self?: unknown }).self = { location: { href: 'http://site/lab/index.html' } };
  globalThis.fetch = (async (url: string) => {
    asked.push(String(url));
    return new Response(JSON.stringify(lock), { status });
  }) as typeof fetch;
}

test('the kernel packages of the lock are added, micropip always, given ones kept', async () => {
  serveLock({ packages: { ipython: {}, jedi: {}, piplite: {}, numpy: {} } });
  asked.length = 0;
  const options = await withStartPackages({
    indexUrl: '../pyodide/',
    loadPyodideOptions: { packages: ['numpy'], env: { A: '1' } },
  });
  assert.deepEqual(asked, ['http://site/pyodide/pyodide-lock.json']);
  assert.deepEqual(options.loadPyodideOptions.packages, [
    'numpy',
    'micropip',
    'piplite',
    'jedi',
    'ipython',
  ]);
  assert.deepEqual(options.loadPyodideOptions.env, { A: '1' });
});

test('a lock named by lockFileURL is the one read', async () => {
  serveLock({ packages: { 'pyodide-kernel': {} } });
  asked.length = 0;
  const options = await withStartPackages({
    indexUrl: 'http://site/pyodide/',
    loadPyodideOptions: { lockFileURL: 'http://site/other/lock.json' },
  });
  assert.deepEqual(asked, ['http://site/other/lock.json']);
  assert.deepEqual(options.loadPyodideOptions.packages, ['micropip', 'pyodide-kernel']);
});

test('a lock that cannot be read adds only micropip', async () => {
  serveLock({}, 404);
  const options = await withStartPackages({ indexUrl: 'http://site/pyodide/' });
  assert.deepEqual(options.loadPyodideOptions.packages, ['micropip']);
});

test('the kernel packages count as preloaded only when all of them and micropip are', () => {
  const all = ['micropip', 'piplite', 'ipykernel', 'comm', 'pyodide-kernel', 'jedi', 'ipython'];
  assert.equal(kernelPackagesPreloaded([...all, 'numpy']), true);
  for (const name of all) {
    assert.equal(kernelPackagesPreloaded(all.filter((other) => other !== name)), false, name);
  }
});
