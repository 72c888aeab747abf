/**
 * Pyodide's compiled wasm, kept by the page for the kernel workers it starts
 * next: the first worker of a Pyodide compiles it and posts it here
 * (`worker/wasmmodule.ts`); a restart, a spare, a `%%worker` or the snapshot
 * maker then instantiates it instead of compiling it again. It holds the
 * compiled code (which the workers using it share) until the page closes.
 */

/** The compiled module of each Pyodide (by its index URL) a worker posted. */
const compiled = new Map<string, WebAssembly.Module>();

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
