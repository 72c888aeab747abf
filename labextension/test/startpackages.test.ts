/**
 * A start loads the kernel packages the site's lock has with Pyodide itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fetchWheel, kernelPackagesPreloaded, planStart } from '../src/worker/startpackages';

const asked: string[] = [];

/** Serve `lock` (or fail with `status`) as the site's lock. */
function serveLock(lock: unknown, status = 200): void {
  (globalThis as { self?: unknown }).self = { location: { href: 'http://site/lab/index.html' } };
  globalThis.fetch = (async (url: string) => {
    asked.push(String(url));
    return new Response(JSON.stringify(lock), { status });
  }) as typeof fetch;
}

/** The options `planStart` made of `options`. */
async function withStartPackages(options: Parameters<typeof planStart>[0]) {
  return (await planStart(options)).options;
}

/** A pure-Python wheel's lock entry. */
function pure(file: string, depends: string[] = []): object {
  return { file_name: file, sha256: 'ab'.repeat(32), depends, package_type: 'package' };
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

test('the wheels of the added packages and their dependencies, relative to the lock', async () => {
  serveLock({
    packages: {
      micropip: pure('micropip-1-py3-none-any.whl'),
      ipython: pure('ipython-9-py3-none-any.whl', ['Trait_lets']),
      'trait-lets': pure('https://cdn/trait_lets-5-py3-none-any.whl'),
      numpy: { file_name: 'numpy-2-cp314-cp314-pyodide_2026_0_wasm32.whl', sha256: 'cd' },
    },
  });
  const { wheels } = await planStart({
    indexUrl: 'http://site/pyodide/',
    loadPyodideOptions: { packages: ['numpy'] },
  });
  assert.deepEqual(
    wheels?.map((wheel) => [wheel.name, wheel.url]),
    [
      ['ipython', 'http://site/pyodide/ipython-9-py3-none-any.whl'],
      ['trait-lets', 'https://cdn/trait_lets-5-py3-none-any.whl'],
      ['micropip', 'http://site/pyodide/micropip-1-py3-none-any.whl'],
    ],
  );
});

test('wheels are found below packageBaseUrl when it is given', async () => {
  serveLock({ packages: { micropip: pure('micropip-1-py3-none-any.whl') } });
  const { wheels } = await planStart({
    indexUrl: 'http://site/pyodide/',
    loadPyodideOptions: { packageBaseUrl: 'http://files/wheels/' },
  });
  assert.deepEqual(
    wheels?.map((wheel) => wheel.url),
    ['http://files/wheels/micropip-1-py3-none-any.whl'],
  );
});

test('no wheels when one of them is binary, missing or unpinned, or the lock is given inline', async () => {
  const locks = [
    {
      micropip: pure('micropip-1-py3-none-any.whl', ['regex']),
      regex: pure('regex-1-cp314-cp314-pyodide.whl'),
    },
    { micropip: pure('micropip-1-py3-none-any.whl', ['gone']) },
    { micropip: { file_name: 'micropip-1-py3-none-any.whl' } },
    { micropip: { ...pure('micropip-1-py3-none-any.whl'), shared_library: true } },
  ];
  for (const packages of locks) {
    serveLock({ packages });
    assert.equal((await planStart({ indexUrl: 'http://site/pyodide/' })).wheels, null);
  }
  serveLock({ packages: { micropip: pure('micropip-1-py3-none-any.whl') } });
  const inline = await planStart({
    indexUrl: 'http://site/pyodide/',
    loadPyodideOptions: { lockFileContents: '{}' },
  });
  assert.equal(inline.wheels, null);
});

test('wheels are fetched with the lock sha256 as their integrity, unless it is off', async () => {
  const inits: (RequestInit | undefined)[] = [];
  globalThis.fetch = (async (_url: string, init?: RequestInit) => {
    inits.push(init);
    return new Response(new Uint8Array([1, 2, 3]));
  }) as typeof fetch;
  const wheel = {
    name: 'a',
    fileName: 'a-1-py3-none-any.whl',
    url: 'http://x/a',
    sha256: '00ff'.repeat(16),
  };
  const fetched = await fetchWheel(wheel);
  assert.deepEqual([...fetched.bytes], [1, 2, 3]);
  assert.equal(
    inits[0]?.integrity,
    `sha256-${Buffer.from('00ff'.repeat(16), 'hex').toString('base64')}`,
  );
  await fetchWheel(wheel, false);
  assert.equal(inits[1]?.integrity, undefined);
  globalThis.fetch = (async () =>
    new Response('', { status: 404, statusText: 'Not Found' })) as typeof fetch;
  await assert.rejects(fetchWheel(wheel), /a-1-py3-none-any.whl: 404 Not Found/);
});
