/**
 * Pyodide's compiled WebAssembly module, shared by the workers of a page. The
 * first worker compiles it and posts it to the page (`kernel/kept.ts`);
 * later ones (a restart, a spare, a `%%worker`, the snapshot maker) are given
 * it and instantiate it instead of compiling Pyodide's wasm again. A module
 * posted between the workers of a page shares its compiled code in V8, the
 * code its first worker's use made fast included (V8 compiles wasm fast, then
 * again optimized where it runs often: seconds of a 2-core machine's CPU).
 */

/** Pyodide's Emscripten module factory (`pyodide.asm.mjs`), as `loadPyodide` calls it. */
export type ModuleFactory<T> = (settings: Record<string, unknown>) => Promise<T>;

/** The module a worker's Pyodide was instantiated from: `compiled` if it compiled it. */
export type OnModule = (module: WebAssembly.Module, compiled: boolean) => void;

/** Emscripten's `instantiateWasm` hook, which Pyodide sets. */
type InstantiateWasm = (
  imports: WebAssembly.Imports,
  success: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
) => unknown;

/**
 * A factory for `loadPyodide`'s `createPyodideModule`: Pyodide's own of the
 * site at `indexUrl` (imported when `loadPyodide` asks for it, as it would),
 * instantiating `shared` if given instead of compiling Pyodide's wasm; it
 * tells `onModule` what it instantiated.
 */
export function sharingFactory<T>(
  indexUrl: string,
  shared: WebAssembly.Module | undefined,
  onModule: OnModule,
): ModuleFactory<T> {
  return async (settings) => {
    const base = new URL(indexUrl, (globalThis as { location?: Location }).location?.href);
    const url = new URL('pyodide.asm.mjs', base).href;
    const imported = (await import(/* webpackIgnore: true */ url)) as {
      default: ModuleFactory<T>;
    };
    const instantiate = settings.instantiateWasm as InstantiateWasm | undefined;
    if (typeof instantiate === 'function') {
      settings.instantiateWasm = (
        imports: WebAssembly.Imports,
        success: Parameters<InstantiateWasm>[1],
      ): unknown => {
        const restore = shared ? instantiateFrom(shared, imports) : (): void => undefined;
        return instantiate(imports, (instance, module) => {
          restore();
          onModule(module, module !== shared);
          success(instance, module);
        });
      };
    }
    return imported.default(settings);
  };
}

/** `WebAssembly.instantiate` or `instantiateStreaming`, as Pyodide's hook calls them. */
type Instantiate = (
  source: unknown,
  imports?: WebAssembly.Imports,
) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;

/**
 * Until Pyodide's hook has instantiated its wasm with `imports` (the object
 * Emscripten gave the hook), make it instantiate `module` instead of the
 * file it fetched or read (and cancel a fetched file's download); should that
 * fail, the file is compiled after all, and the console says why. Returns what
 * puts `WebAssembly` back as it was (done at the hook's call already).
 */
function instantiateFrom(module: WebAssembly.Module, imports: WebAssembly.Imports): () => void {
  const wasm = WebAssembly as unknown as Record<
    'instantiate' | 'instantiateStreaming',
    Instantiate
  >;
  const { instantiate, instantiateStreaming } = wasm;
  const restore = (): void => {
    wasm.instantiate = instantiate;
    wasm.instantiateStreaming = instantiateStreaming;
  };
  const reuse = async (
    compile: () => Promise<WebAssembly.WebAssemblyInstantiatedSource>,
    cancel: () => void,
  ): Promise<WebAssembly.WebAssemblyInstantiatedSource> => {
    restore();
    let instance: WebAssembly.Instance;
    try {
      instance = (await instantiate(module, imports)) as unknown as WebAssembly.Instance;
    } catch (error) {
      console.warn(
        `jupyter-worker: Pyodide's compiled wasm could not be reused (${String(error)}); compiling it`,
      );
      return compile();
    }
    cancel();
    return { instance, module };
  };
  wasm.instantiateStreaming = (source, given) =>
    given === imports
      ? reuse(
          () => instantiateStreaming(source, given),
          () => void cancelDownload(source as Response | PromiseLike<Response>),
        )
      : instantiateStreaming(source, given);
  wasm.instantiate = (source, given) =>
    given === imports && !(source instanceof WebAssembly.Module)
      ? reuse(
          () => instantiate(source, given),
          () => undefined,
        )
      : instantiate(source, given);
  return restore;
}

/** Stop downloading a file no one reads. */
async function cancelDownload(source: Response | PromiseLike<Response>): Promise<void> {
  try {
    await (await source).body?.cancel();
  } catch {
    // (a download that failed or ended needs no cancelling)
  }
}
