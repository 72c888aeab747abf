/**
 * Pyodide's compiled wasm reused by another start (the npm Pyodide, in Node):
 * the module one start compiled starts another, which runs Python of its own;
 * a module that does not fit is compiled after all.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import type { ModuleFactory } from '../src/worker/wasmmodule';
import { sharingFactory } from '../src/worker/wasmmodule';

interface IPyodide {
  runPython(code: string): unknown;
}

const script = createRequire(import.meta.url).resolve('pyodide/pyodide.mjs');
const indexUrl = pathToFileURL(script).href.replace(/pyodide\.mjs$/, '');

/** What a start's factory told: the module it instantiated, and whether it compiled it. */
interface IStart {
  pyodide: IPyodide;
  module: WebAssembly.Module;
  compiled: boolean;
}

/** Start the npm Pyodide through our factory, reusing `shared` if given. */
async function start(shared?: WebAssembly.Module): Promise<IStart> {
  const { loadPyodide } = (await import(pathToFileURL(script).href)) as {
    loadPyodide(options: { createPyodideModule: ModuleFactory<unknown> }): Promise<IPyodide>;
  };
  let told: [WebAssembly.Module, boolean] | null = null;
  const factory = sharingFactory(indexUrl, shared, (module, compiled) => {
    told = [module, compiled];
  });
  const pyodide = await loadPyodide({ createPyodideModule: factory });
  assert.ok(told, 'the factory told what it instantiated');
  const [module, compiled] = told as [WebAssembly.Module, boolean];
  return { pyodide, module, compiled };
}

/** A wasm module whose one import (`env.jw_missing`, a function) Pyodide's imports lack. */
function unfitModule(): WebAssembly.Module {
  const name = [...'jw_missing'].map((c) => c.charCodeAt(0));
  const imports = [1, 3, ...[...'env'].map((c) => c.charCodeAt(0)), name.length, ...name, 0, 0];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // one type: () -> ()
    ...[0x02, imports.length, ...imports], // the import
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}

const { instantiate, instantiateStreaming } = WebAssembly;

test('a module compiled by one start starts another, whose Python is its own', async () => {
  const first = await start();
  assert.equal(first.compiled, true);
  first.pyodide.runPython('x = "first"');
  const second = await start(first.module);
  assert.equal(second.compiled, false);
  assert.equal(second.module, first.module);
  assert.equal(second.pyodide.runPython('"x" in globals()'), false);
  assert.equal(second.pyodide.runPython('import json; json.dumps([1, 2])'), '[1, 2]');
  assert.equal(first.pyodide.runPython('x'), 'first');
  assert.equal(WebAssembly.instantiate, instantiate, 'WebAssembly is as it was');
  assert.equal(WebAssembly.instantiateStreaming, instantiateStreaming);
});

test('a module that does not fit is compiled after all, and the console says why', async () => {
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]): void => void warned.push(args.map(String).join(' '));
  let started: IStart;
  try {
    started = await start(unfitModule());
  } finally {
    console.warn = warn;
  }
  assert.equal(started.compiled, true);
  assert.equal(started.pyodide.runPython('6 * 7'), 42);
  assert.equal(warned.length, 1);
  assert.match(warned[0], /compiled wasm could not be reused \(LinkError/);
  assert.equal(WebAssembly.instantiate, instantiate, 'WebAssembly is as it was');
});
