/**
 * What the page keeps of its workers' starts for the kernel workers it starts
 * next (a restart, a spare, a `%%worker`, the snapshot maker), until it closes:
 *
 * - Pyodide's compiled wasm: the first worker of a Pyodide compiles it and
 *   posts it here (`worker/wasmmodule.ts`); later ones instantiate it instead
 *   of compiling it again. It holds the compiled code, which the workers
 *   using it share.
 * - The kernel's start-up wheels, unpacked (`worker/wheeltree.ts`), as a
 *   Blob (21 MB for the kernel's packages, held by the browser, not this
 *   page's heap; passed to each worker without a copy): later workers write
 *   them into their file system instead of downloading and unpacking them.
 */
import type { IWheelTree } from '../protocol';

/** The compiled module of each Pyodide (by its index URL) a worker posted. */
const compiled = new Map<string, WebAssembly.Module>();

/** The unpacked start-up wheels of each Pyodide (by its index URL) a worker posted. */
const trees = new Map<string, IWheelTree<Blob>>();

/** Keep `module`, the wasm of the Pyodide at `indexUrl` a worker compiled (the first one stays). */
export function keepCompiled(indexUrl: string, module: WebAssembly.Module): void {
  if (!compiled.has(indexUrl)) {
    compiled.set(indexUrl, module);
  }
}

/** The compiled wasm of the Pyodide at `indexUrl`, if a worker of this page posted it. */
export function compiledFor(indexUrl: string): WebAssembly.Module | undefined {
  return compiled.get(indexUrl);
}

/**
 * Keep `tree`, the start-up wheels a worker of the Pyodide at `indexUrl`
 * unpacked (the last one stays: a worker unpacks its own only when the kept
 * one does not match its lock).
 */
export function keepStartTree(indexUrl: string, tree: IWheelTree<Blob>): void {
  trees.set(indexUrl, tree);
}

/** The start-up wheels of the Pyodide at `indexUrl` a worker of this page unpacked, if any. */
export function startTreeFor(indexUrl: string): IWheelTree<Blob> | undefined {
  return trees.get(indexUrl);
}
