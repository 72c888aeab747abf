/**
 * Connect worker Python to the page: write the in-worker package, hand Python
 * the blocking channel, and make `js.document` / `js.window` the page's.
 */
import type { WorkerChannel } from './channel';
import { PYTHON_FILES } from './pyfiles';

/** The parts of a Pyodide instance the bridge uses. */
interface IPyodide {
  FS: {
    mkdirTree(path: string): void;
    writeFile(path: string, data: string): void;
  };
  runPython(code: string): unknown;
  registerJsModule(name: string, module: object): void;
}

/** A Python object as Pyodide hands it to JavaScript. */
interface IPyProxy {
  copy(): IPyProxy;
  destroy(): void;
  getBuffer(type: string): { data: Uint8Array; release(): void };
  [Symbol.iterator](): Iterator<IPyProxy>;
}

/** Write the in-worker Python package into site-packages. */
export function writePythonFiles(pyodide: IPyodide): void {
  const site = String(pyodide.runPython('import site; site.getsitepackages()[0]'));
  for (const [path, source] of Object.entries(PYTHON_FILES)) {
    const full = `${site}/${path}`;
    pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    pyodide.FS.writeFile(full, source);
  }
  pyodide.runPython('import importlib; importlib.invalidate_caches()');
}

/**
 * Install the page proxy. Without a channel (page not isolated) the `js`
 * module is still patched, so `document`/`window` raise a clear error.
 */
export function installBridge(pyodide: IPyodide, channel: WorkerChannel | null): void {
  writePythonFiles(pyodide);
  if (channel) {
    const worker = channel;
    let lastBinary: Uint8Array | null = null;
    let dispatcher: IPyProxy | null = null;
    worker.onCallback = (json: string): void => {
      (dispatcher as unknown as ((json: string) => void) | null)?.(json);
    };
    pyodide.registerJsModule('_jupyter_worker_bridge', {
      request(json: string, segments?: IPyProxy): string {
        const raw: Uint8Array[] = [];
        if (segments) {
          for (const item of segments) {
            const buffer = item.getBuffer('u8');
            raw.push(buffer.data.slice());
            buffer.release();
            item.destroy();
          }
        }
        const answer = worker.request(json, raw);
        lastBinary = answer.binary;
        return `${answer.kind}${answer.json}`;
      },
      take_binary(): Uint8Array | undefined {
        // undefined, not null: Python sees None (null would be jsnull)
        const binary = lastBinary ?? undefined;
        lastBinary = null;
        return binary;
      },
      sleep(seconds: number): void {
        worker.sleep(seconds);
      },
      in_cell(running: boolean): void {
        worker.setInCell(running);
      },
      set_dispatcher(fn: IPyProxy): void {
        dispatcher?.destroy();
        dispatcher = fn.copy();
      },
    });
    pyodide.runPython(
      'import _jupyter_worker_bridge\n' +
        'from jupyter_worker.browser import connection as _s\n' +
        '_s.install(_jupyter_worker_bridge)\n' +
        'from jupyter_worker.browser.sleep import install_sleep\n' +
        'install_sleep(_jupyter_worker_bridge)\n' +
        'del _s, _jupyter_worker_bridge, install_sleep',
    );
  }
  pyodide.runPython(
    'from jupyter_worker.browser.jsmodule import install_js_module\ninstall_js_module()',
  );
}
