/**
 * Connect worker Python to the page: write the in-worker package, hand Python
 * the blocking channel, and make `js.document` / `js.window` the page's.
 */
import type { IAnswer, WorkerChannel } from '../channel/worker';
import { scratchBytes } from '../channel/codec';
import { requestAsync } from './asyncrequests';
import type { IWorkerBytecode } from './bytecode';
import { cachedPath, decodeBase64 } from './bytecode';
import { PYTHON_FILES } from './pyfiles';
import { R_OK, R_REF, R_UNDEFINED } from '../protocol';

/** A result Pyodide hands to Python as a `str`, `int`/`float` or `bool`. */
type Primitive = string | number | boolean;

/** The parts of a Pyodide instance the bridge uses. */
interface IPyodide {
  FS: {
    mkdirTree(path: string): void;
    writeFile(path: string, data: string | Uint8Array): void;
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

/**
 * Write the in-worker Python package into site-packages (before the kernel
 * starts: `deferred_imports` runs first), with the build's bytecode of it
 * when there is some (`bytecode.ts`).
 */
export function writePythonFiles(pyodide: IPyodide, bytecode: IWorkerBytecode | null): void {
  const site = String(pyodide.runPython('import site; site.getsitepackages()[0]'));
  for (const [path, source] of Object.entries(PYTHON_FILES)) {
    const full = `${site}/${path}`;
    pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    pyodide.FS.writeFile(full, source);
    const pyc = bytecode?.files[path];
    if (bytecode && pyc) {
      const cached = `${site}/${cachedPath(path, bytecode.cacheTag)}`;
      pyodide.FS.mkdirTree(cached.slice(0, cached.lastIndexOf('/')));
      pyodide.FS.writeFile(cached, decodeBase64(pyc));
    }
  }
  pyodide.runPython('import importlib; importlib.invalidate_caches()');
}

/**
 * Import the modules `installBridge` installs from (Pyodide's `js` among
 * them) and format the first interrupt's traceback
 * (`warm_interrupt_traceback`): before the kernel enters the notebook's
 * folder on the drive, and for a memory snapshot (`snapshot.ts`) to hold them.
 * An import of a module Python has not loaded asks the current folder first,
 * on the drive a round trip to the page, which waits while JupyterLab starts:
 * a second visit's bridge waited 0.3-0.4 s for its first import of `js`.
 */
export function importBridgeModules(pyodide: IPyodide): void {
  pyodide.runPython(
    'import js\n' +
      'import jupyter_worker.worker.packages, jupyter_worker.worker.error_names\n' +
      'import jupyter_worker.worker.connection, jupyter_worker.worker.jsmodule\n' +
      'from IPython import get_ipython\n' +
      'from jupyter_worker.worker.interrupts import warm_interrupt_traceback\n' +
      'if get_ipython() is not None:\n' +
      '    warm_interrupt_traceback(get_ipython())\n' +
      'del get_ipython, warm_interrupt_traceback',
  );
}

/**
 * Install the page proxy (the package written by `writePythonFiles`). Without a channel (page not isolated) the `js`
 * module is still patched, so `document`/`window` raise a clear error.
 */
export function installBridge(pyodide: IPyodide, channel: WorkerChannel | null): void {
  // a package that fails to load, or that an air-gapped site lacks, is named;
  // error outputs name the exception's class (ename), as ipykernel's do
  pyodide.runPython(
    'from IPython import get_ipython\n' +
      'from jupyter_worker.worker.packages import install_package_errors\n' +
      'from jupyter_worker.worker.error_names import install_error_names, install_unstored_errors\n' +
      'if get_ipython() is not None:\n' +
      '    install_package_errors(get_ipython())\n' +
      '    install_error_names(get_ipython())\n' +
      '    install_unstored_errors(get_ipython())\n' +
      'del get_ipython, install_package_errors, install_error_names, install_unstored_errors',
  );
  pyodide.registerJsModule('_jupyter_worker_async', { request: requestAsync });
  if (channel) {
    const worker = channel;
    let last: IAnswer | null = null;
    let dispatcher: IPyProxy | null = null;
    worker.onCallback = (json: string): void => {
      (dispatcher as unknown as ((json: string) => void) | null)?.(json);
    };
    /**
     * A string, number or boolean result goes to Python as itself (Pyodide
     * converts it, no JSON), `undefined` as `null` (the module's `none`);
     * for anything else (objects, errors, interrupts) Python gets `undefined`
     * (None) and reads the whole answer with `answer()`.
     */
    const deliver = (answer: IAnswer): Primitive | null | undefined => {
      if (answer.value !== undefined) {
        last = null;
        return answer.value;
      }
      if (answer.kind === R_UNDEFINED) {
        last = null;
        return null;
      }
      last = answer;
      return undefined;
    };
    const bridge = {
      none: null,
      request(json: string, segments?: IPyProxy): Primitive | null | undefined {
        if (!segments) {
          return deliver(worker.request(json));
        }
        // views of Python's memory, copied once: into the channel's shared buffer
        const buffers: { data: Uint8Array; release(): void }[] = [];
        for (const item of segments) {
          buffers.push(item.getBuffer('u8'));
          item.destroy();
        }
        try {
          return deliver(
            worker.request(
              json,
              buffers.map((buffer) => buffer.data),
            ),
          );
        } finally {
          for (const buffer of buffers) {
            buffer.release();
          }
        }
      },
      get(id: number, key: string | number): Primitive | null | undefined {
        return deliver(worker.get(id, key));
      },
      answer(): string {
        // (a reference is JSON like any result: R_OK to Python)
        return last ? `${last.kind === R_REF ? R_OK : last.kind}${last.json}` : '';
      },
      ref_id(): number {
        return last?.kind === R_REF ? (last.ref as number) : -1;
      },
      take_binary(): Uint8Array | undefined {
        // undefined, not null: Python sees None (null would be jsnull)
        const binary = last?.binary ?? undefined;
        last = null;
        return binary;
      },
      sleep(seconds: number): boolean {
        return worker.sleep(seconds);
      },
      in_cell(running: boolean): void {
        worker.setInCell(running);
      },
      interrupt_raised(): void {
        worker.interruptRaised();
      },
      input_interrupted(): boolean {
        return worker.takeInputInterrupt();
      },
      interrupt_later(): void {
        worker.interruptAgain();
      },
      scratch_bytes(): number {
        return scratchBytes();
      },
      wait_figures(): string {
        return JSON.stringify(worker.waitFigures());
      },
      set_dispatcher(fn: IPyProxy): void {
        dispatcher?.destroy();
        dispatcher = fn.copy();
      },
    };
    // handed to Python, not imported by name (see `importBridgeModules`)
    const install = pyodide.runPython(
      'from jupyter_worker.worker.connection import install_bridge\ninstall_bridge',
    ) as IPyProxy & ((given: object) => void);
    try {
      install(bridge);
    } finally {
      install.destroy();
    }
  }
  pyodide.runPython(
    'from jupyter_worker.worker.jsmodule import install_js_module\ninstall_js_module()',
  );
}
