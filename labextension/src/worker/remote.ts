/**
 * The kernel as it runs inside the web worker.
 */
import { PyodideRemoteKernel } from '@jupyterlite/pyodide-kernel/lib/worker';

import type { IPyodideWorkerKernel } from '@jupyterlite/pyodide-kernel/lib/tokens';

import { settleAsync } from './asyncrequests';
import { importBridgeModules, installBridge, writePythonFiles } from './bridge';
import type { IWorkerBytecode } from './bytecode';
import { fetchWorkerBytecode } from './bytecode';
import { WorkerChannel, isResult, resultOf } from '../channel/worker';
import { channelDriveFS } from './drive';
import { holdLifeline } from './lifeline';
import { Outbox } from './outbox';
import type { ISnapshotOptions, ISnapshotPyodide } from './snapshot';
import {
  SNAPSHOT_CACHE,
  finishRestore,
  findSnapshot,
  restoreOptions,
  snapshotKey,
  storeSnapshot,
} from './snapshot';
import type { IStartWheel } from './startpackages';
import { fetchWheel, kernelPackagesPreloaded, planStart } from './startpackages';
import { requestInputViaServiceWorker } from './stdin';
import type { ModuleFactory } from './wasmmodule';
import { sharingFactory } from './wasmmodule';
import type { IWheelPyodide } from './wheeltree';
import { installWheelTree, joinWheels, unpackWheel } from './wheeltree';
import type {
  IChannelError,
  IChannelOptions,
  ICompiledEnvelope,
  IFatalEnvelope,
  IFatalReportedEnvelope,
  IKernelMessageEnvelope,
  ILogMessageEnvelope,
  IProgressEnvelope,
  IStartTreeEnvelope,
  IWheelTree,
} from '../protocol';
import { R_INTERRUPT } from '../protocol';
import type { StartKind } from '../protocol';

/** The kernel options, plus the page channel when the page is isolated. */
export interface IRemoteKernelOptions extends IPyodideWorkerKernel.IOptions {
  jupyterWorker?: IChannelOptions;
  /** Package indexes for micropip, in order (empty: micropip's default, PyPI). */
  pypiIndexUrls?: string[];
  /**
   * `use`: start from the site's stored snapshot when there is one; `make`:
   * start normally and store a snapshot of the started kernel (a worker the
   * page then stops; `worker/snapshot.ts`). Absent: neither.
   */
  snapshot?: 'use' | 'make';
  /** Pyodide's wasm as another worker of the page compiled it (`wasmmodule.ts`). */
  compiledWasm?: WebAssembly.Module;
  /** The start's wheels as another worker of the page unpacked them (`wheeltree.ts`). */
  startTree?: IWheelTree<Blob>;
}

/** What the worker tells Pyodide's internals (`pyodide._api`). */
interface IPyodideInternals {
  on_fatal?: (error: Error) => Promise<void>;
}

/** What the remote kernel calls of `jupyter_worker/worker/spawn.py`. */
interface ISpawnModule {
  /** The answer, or (an awaitable result) a Python coroutine of it. */
  serve_call(name: string, payload: string, setup: string): string | Promise<string>;
}

/** The start-up steps the status bar shows. */
const START_STEPS = 3;

function progress(step: number, label: string): void {
  mark(label);
  postMessage({ _jwProgress: { step, steps: START_STEPS, label } } satisfies IProgressEnvelope);
}

/** Where the kernel's drive is mounted (upstream's mount point). */
const DRIVE = '/drive';

/**
 * A user-timing mark of the start's phases (`benchmarks/start_profile.py`
 * reads them from a Chromium trace); costs nothing noticeable.
 */
function mark(phase: string): void {
  performance.mark(`jupyter-worker: ${phase}`);
}

/** The wasm module this worker's Pyodide was instantiated from (a start that failed included). */
let instantiated: WebAssembly.Module | undefined;

/**
 * Pyodide's module factory for a start with `options`: it instantiates the
 * wasm another worker of the page compiled, if given (or this worker, in a
 * start that failed: a damaged snapshot's); one it compiled itself goes to
 * the page, for the next workers.
 */
function moduleFactory<T>(options: IRemoteKernelOptions): ModuleFactory<T> {
  const shared = options.compiledWasm ?? instantiated;
  return sharingFactory<T>(options.indexUrl, shared, (module, compiled) => {
    instantiated = module;
    mark(compiled ? 'wasm compiled' : 'wasm shared');
    if (compiled) {
      postMessage({ _jwCompiled: module } satisfies ICompiledEnvelope);
    } else {
      console.info("jupyter-worker: the worker reuses Pyodide's compiled wasm");
    }
  });
}

/**
 * Upstream's remote kernel, posting its kernel and log messages to the page
 * (stream output coalesced, see `Outbox`).
 */
export class WorkerRemoteKernel extends PyodideRemoteKernel {
  constructor() {
    super();
    const outbox = new Outbox((msg) => {
      postMessage({ _kernelMessage: msg } satisfies IKernelMessageEnvelope);
    });
    this._outbox = outbox;
    this.registerWorkerMessageCallback((msg: IKernelMessageEnvelope['_kernelMessage']) => {
      outbox.send(msg);
    });
    this.registerLogMessageCallback((msg: ILogMessageEnvelope['_logMessage']) => {
      postMessage({ _logMessage: msg } satisfies ILogMessageEnvelope);
    });
  }

  /** The page's answer to an asynchronous request of worker Python (`asyncrequests.ts`). */
  settleAsync(id: number, ok: boolean, text: string): void {
    settleAsync(id, ok, text);
  }

  /**
   * Answer one call of the worker that started this one (`Worker.call`),
   * not as a cell: `serve_call` of `jupyter_worker/worker/spawn.py` (its
   * answer, JSON text). Python's own errors are in the answer; one raised
   * past it (an interrupt landing as the call ends) is turned into one.
   */
  async serveCall(name: string, payload: string, setup: string): Promise<string> {
    this._spawn ??= this._pyodide.pyimport('jupyter_worker.worker.spawn') as ISpawnModule;
    try {
      const answer = this._spawn.serve_call(name, payload, setup);
      // (awaited only when the call's result is: a webloop turn costs time)
      return typeof answer === 'string' ? answer : String(await answer);
    } catch (error) {
      const { type, message } = error as { type?: string; message?: string };
      const evalue =
        String(message ?? error)
          .trim()
          .split('\n')
          .pop() ?? '';
      return JSON.stringify({ out: [], error: { ename: type ?? 'Error', evalue, traceback: [] } });
    } finally {
      this._outbox.flush();
    }
  }

  /**
   * Start Pyodide and the kernel (upstream), then connect Python to the page.
   */
  async initialize(initial: IRemoteKernelOptions): Promise<void> {
    mark('initialize');
    this._bytecode = fetchWorkerBytecode(); // (read while Pyodide starts)
    // (not kept with the options upstream keeps: used by this start at most)
    const { startTree, ...given } = initial;
    this._givenTree = startTree ?? null;
    const [plan] = await Promise.all([planStart(given), holdLifeline()]);
    const { options } = plan;
    this._startWheels = plan.wheels;
    if (options.snapshot === 'make') {
      this._snapshotKey = await snapshotKey(options as ISnapshotOptions);
      const cache = await caches.open(SNAPSHOT_CACHE);
      if (await cache.match(this._snapshotKey)) {
        this._startKind = 'snapshot there';
        return;
      }
    }
    const channelOptions = options.jupyterWorker;
    this._channel = channelOptions ? new WorkerChannel(channelOptions) : null;
    if (this._channel) {
      const outbox = this._outbox;
      this._channel.onBlock = (): void => outbox.flush();
    }
    await super.initialize(options);
    await this._setIndexUrls(options.pypiIndexUrls ?? []);
    if (this._channel) {
      // real interrupts: the page writes SIGINT here (see PageChannel.interrupt)
      this._channel.signals.install(this._pyodide as never);
    }
    installBridge(this._pyodide as never, this._channel);
    mark('ready');
    if (options.snapshot === 'make') {
      this._startKind = 'snapshot made';
    } else if (this._restored) {
      this._startKind = 'snapshot';
    }
  }

  /** How this worker started (once `initialize` has settled). */
  startKind(): StartKind {
    return this._startKind;
  }

  /**
   * Become the kernel of the notebook at `location`: a warm spare started
   * for none (`kernel/spare.ts`) moves to its folder, as upstream's start does.
   */
  async adopt(location: string): Promise<void> {
    if (this._options?.mountDrive && location) {
      this._pyodide.runPython(`import os\nos.chdir(${JSON.stringify(location)})`);
    }
  }

  /** Load Pyodide; report a fatal error of it to the page. */
  protected async initRuntime(options: IRemoteKernelOptions): Promise<void> {
    progress(1, 'loading Pyodide');
    if (options.snapshot === 'use') {
      this._restored = await this._restore(options);
    }
    const wheels = this._restored ? null : this._startWheels;
    const tree = wheels ? this._wheelTree(wheels, options) : null;
    tree?.catch(() => undefined); // (a failure is `_installWheels`'s to report, once Pyodide runs)
    this._givenTree = null;
    if (!this._restored) {
      const making = options.snapshot === 'make' ? { _makeSnapshot: true } : {};
      const packages = (options.loadPyodideOptions?.packages as string[] | undefined) ?? [];
      await super.initRuntime({
        ...options,
        loadPyodideOptions: {
          ...options.loadPyodideOptions,
          ...making,
          // (the wheel tree's packages are installed below)
          packages: packages.filter((name) => !wheels?.some((wheel) => wheel.name === name)),
          createPyodideModule: moduleFactory(options),
        },
      });
    }
    mark('Pyodide loaded');
    if (wheels && tree) {
      await this._installWheels(wheels, tree);
      mark('wheels installed');
    }
    writePythonFiles(this._pyodide as never, await this._bytecode);
    // upstream logs it; the page must also learn that the worker is unusable
    const api = (this._pyodide as unknown as { _api: IPyodideInternals })._api;
    const logFatal = api.on_fatal;
    api.on_fatal = async (error: Error): Promise<void> => {
      postMessage({ _jwFatal: `${error.name}: ${error.message}` } satisfies IFatalEnvelope);
      // Pyodide throws the error once this returns: reported by the next task
      setTimeout(() => postMessage({ _jwFatalReported: true } satisfies IFatalReportedEnvelope));
      await logFatal?.(error);
    };
  }

  /**
   * Install piplite (progress for the status bar). When Pyodide loaded it and
   * the kernel's packages (`startpackages.ts`), as a snapshot's start did,
   * only this start's settings of piplite: set when `%pip` first imports it
   * (`jupyter_worker/worker/deferred_imports.py`), not at start as upstream's.
   */
  protected async initPackageManager(options: IPyodideWorkerKernel.IOptions): Promise<void> {
    progress(2, 'installing packages');
    const preloaded = (options.loadPyodideOptions?.packages as string[] | undefined) ?? [];
    if (this._restored || kernelPackagesPreloaded(preloaded)) {
      const settings = JSON.stringify({
        _PIPLITE_DISABLE_PYPI: options.disablePyPIFallback ?? false,
        _PIPLITE_URLS: options.pipliteUrls ?? [],
      });
      this._pyodide.runPython(
        [
          'import json',
          'from jupyter_worker.worker.deferred_imports import set_on_import',
          `set_on_import("piplite.piplite", json.loads(${JSON.stringify(settings)}))`,
          'del json, set_on_import',
        ].join('\n'),
      );
    } else {
      await super.initPackageManager(options);
    }
    mark('packages installed');
  }

  /**
   * Start Pyodide from the site's stored snapshot (`worker/snapshot.ts`):
   * whether it did. One that is missing starts nothing; one that fails is
   * dropped from the cache (the next idle time makes a new one), and the
   * console says why.
   */
  private async _restore(options: IRemoteKernelOptions): Promise<boolean> {
    let key = '';
    try {
      key = await snapshotKey(options as ISnapshotOptions);
      const found = await findSnapshot(key);
      if (!found) {
        return false;
      }
      const reading = found.parts;
      // (a failed read fails the restore below, which says why)
      reading.then(() => mark('snapshot read')).catch(() => undefined);
      await super.initRuntime({
        ...options,
        loadPyodideOptions: {
          ...options.loadPyodideOptions,
          packages: [], // (installed in the snapshot)
          ...restoreOptions(moduleFactory(options), reading),
        },
      });
      mark('snapshot loaded');
      finishRestore(this._pyodide as unknown as ISnapshotPyodide, await reading);
      console.info('jupyter-worker: the kernel starts from its memory snapshot');
      return true;
    } catch (error) {
      console.warn(
        `jupyter-worker: the kernel's memory snapshot was not used (${String(error)}); it starts normally`,
      );
      if (key) {
        await caches.open(SNAPSHOT_CACHE).then(
          (cache) => cache.delete(key),
          () => false,
        );
      }
      return false;
    }
  }

  /**
   * The start's `wheels` unpacked: the tree another worker of the page
   * unpacked if it holds them, else downloaded and unpacked here (while
   * Pyodide starts); and a copy for the page to keep, if unpacked here.
   */
  private async _wheelTree(
    wheels: IStartWheel[],
    options: IRemoteKernelOptions,
  ): Promise<{ tree: IWheelTree; share: IWheelTree<Blob> | null }> {
    const given = this._givenTree;
    if (
      given &&
      Object.keys(given.packages).length === wheels.length &&
      wheels.every((wheel) => given.packages[wheel.name] === wheel.sha256)
    ) {
      console.info(
        "jupyter-worker: the worker installs the kernel's wheels another worker unpacked",
      );
      const files = new Uint8Array(await given.files.arrayBuffer());
      return { tree: { ...given, files }, share: null };
    }
    const checkIntegrity = options.loadPyodideOptions?.checkIntegrity !== false;
    const unpacked = await Promise.all(
      wheels.map((wheel) => fetchWheel(wheel, checkIntegrity).then(unpackWheel)),
    );
    mark('wheels unpacked');
    const tree = joinWheels(unpacked);
    const files = new Blob([tree.files as Uint8Array<ArrayBuffer>]);
    return { tree, share: { ...tree, files } };
  }

  /**
   * Install the start's `wheels` (`pending`), then give the page its copy
   * of them, if any; should that fail, the console says why and Pyodide's
   * loader installs them.
   */
  private async _installWheels(
    wheels: IStartWheel[],
    pending: Promise<{ tree: IWheelTree; share: IWheelTree<Blob> | null }>,
  ): Promise<void> {
    let share: IWheelTree<Blob> | null;
    try {
      const unpacked = await pending;
      installWheelTree(this._pyodide as unknown as IWheelPyodide, unpacked.tree);
      share = unpacked.share;
    } catch (error) {
      console.warn(
        `jupyter-worker: the kernel's wheels could not be unpacked (${String(error)}); Pyodide installs them`,
      );
      await this._pyodide.loadPackage(
        wheels.map((wheel) => wheel.name),
        { messageCallback: () => undefined },
      );
      return;
    }
    if (share) {
      postMessage({ _jwStartTree: share } satisfies IStartTreeEnvelope);
    }
  }

  /**
   * Point micropip at the configured package indexes. Only after the kernel
   * started: with indexes of its own, micropip asks them before the Pyodide
   * lock, and the start must ask no index for what the site ships.
   */
  private async _setIndexUrls(indexes: string[]): Promise<void> {
    if (indexes.length) {
      await this._pyodide.runPythonAsync(
        `import micropip\nmicropip.set_index_urls(${JSON.stringify(indexes)})`,
      );
    }
  }

  /**
   * Install and start IPython (progress for the status bar), without the
   * modules a kernel never uses (`jupyter_worker/worker/deferred_imports.py`).
   */
  protected async initKernel(options: IPyodideWorkerKernel.IOptions): Promise<void> {
    progress(3, 'starting IPython');
    if (this._restored) {
      // imported in the snapshot; upstream's start then moves to the notebook's folder
      this._enterDrive();
      const lines = ['import pyodide_kernel'];
      if (options.mountDrive && this._localPath) {
        lines.push('import os', `os.chdir(${JSON.stringify(this._localPath)})`);
      }
      this._pyodide.runPython(lines.join('\n'));
      mark('IPython started');
      return;
    }
    this._pyodide.runPython(
      'from jupyter_worker.worker.deferred_imports import install\ninstall()\ndel install',
    );
    const preloaded = (options.loadPyodideOptions?.packages as string[] | undefined) ?? [];
    const importsFirst = kernelPackagesPreloaded(preloaded);
    if (importsFirst) {
      // before the kernel moves to the drive: each import Python has not
      // loaded asks the current folder first, on the drive a round trip to the
      // page (a first visit's start made 74, waiting 0.1 s for a busy page)
      this._pyodide.runPython('import pyodide_kernel');
      importBridgeModules(this._pyodide as never);
    }
    this._enterDrive();
    await super.initKernel(options);
    if (!importsFirst) {
      importBridgeModules(this._pyodide as never); // (upstream's start installed IPython)
    }
    // a cell that imports a name from a module still deferred gets the real one
    this._pyodide.runPython(
      'from jupyter_worker.worker.deferred_imports import settle\nsettle()\ndel settle',
    );
    mark('IPython started');
    if (this._snapshotKey) {
      await storeSnapshot(this._snapshotKey, this._pyodide as unknown as ISnapshotPyodide);
      mark('snapshot stored');
    }
  }

  /**
   * Mount the JupyterLite drive at `/drive`: over the channel when the page is
   * isolated, else through JupyterLite's service worker. The kernel enters it
   * once IPython is imported (`initKernel`).
   *
   * Upstream's base class reads `_browsingContextId` but never sets it (its own
   * worker entries override this method), so set it before mounting.
   */
  protected async initFilesystem(options: IPyodideWorkerKernel.IOptions): Promise<void> {
    if (!options.mountDrive) {
      return;
    }
    if (!this._channel) {
      this._browsingContextId = options.browsingContextId;
      const cwd = this._pyodide.FS.cwd();
      await super.initFilesystem(options);
      this._pyodide.FS.chdir(cwd); // (`initKernel` enters the drive)
      return;
    }
    const mountpoint = DRIVE;
    const { FS, PATH, ERRNO_CODES } = this._pyodide;
    const driveFS = channelDriveFS(
      { FS, PATH, ERRNO_CODES, baseUrl: options.baseUrl, driveName: this._driveName, mountpoint },
      this._channel,
    );
    FS.mkdirTree(mountpoint);
    FS.mount(driveFS, {}, mountpoint);
    this._driveFS = driveFS;
  }

  /**
   * Make the drive the current folder, if `initFilesystem` mounted it:
   * upstream's start then moves to the notebook's folder in it.
   */
  private _enterDrive(): void {
    if (this._driveFS) {
      this._pyodide.FS.chdir(DRIVE);
    }
  }

  /** Run a cell; its last stream text reaches the page before the reply. */
  async execute(
    content: Parameters<PyodideRemoteKernel['execute']>[0],
    parent: Parameters<PyodideRemoteKernel['execute']>[1],
  ): ReturnType<PyodideRemoteKernel['execute']> {
    try {
      return await super.execute(content, parent);
    } finally {
      this._outbox.flush();
    }
  }

  /**
   * Answer `input()` / `getpass()`: ask the page and block until it replies.
   * Over the channel when the page is isolated (the wait can be interrupted),
   * else through JupyterLite's service worker.
   */
  protected sendInputRequest(prompt: string, password: boolean): string | undefined {
    this._outbox.flush();
    const parent = this.formatResult(this._kernel._parent_header) as {
      header?: Record<string, unknown>;
    };
    if (!this._options) {
      throw new Error('The kernel is not initialized');
    }
    if (this._channel) {
      return this._inputOverChannel(this._channel, prompt, password, parent.header ?? {});
    }
    return requestInputViaServiceWorker({
      prompt,
      password,
      parentHeader: parent.header ?? {},
      baseUrl: this._options.baseUrl,
      browsingContextId: this._options.browsingContextId,
    });
  }

  private _inputOverChannel(
    channel: WorkerChannel,
    prompt: string,
    password: boolean,
    parent: Record<string, unknown>,
  ): string {
    const answer = channel.request(JSON.stringify({ op: 'input', prompt, password, parent }));
    if (answer.kind === R_INTERRUPT) {
      // the Python that called input() raises KeyboardInterrupt (worker/interrupts.py)
      channel.inputInterrupted();
      return '';
    }
    if (!isResult(answer)) {
      const error = JSON.parse(answer.json) as IChannelError;
      throw new Error(`input() failed on the page: ${error.message}`);
    }
    return String(resultOf(answer));
  }

  protected _channel: WorkerChannel | null = null;
  private readonly _outbox: Outbox;
  private _spawn: ISpawnModule | undefined;
  private _startKind: StartKind = 'fresh';
  /** Whether Pyodide started from the site's stored snapshot. */
  private _restored = false;
  /** The build's bytecode of the worker's Python files (`bytecode.ts`), being read. */
  private _bytecode: Promise<IWorkerBytecode | null> = Promise.resolve(null);
  /** Where the snapshot this worker makes is stored (`snapshot: 'make'`); empty: it makes none. */
  private _snapshotKey = '';
  /** The start's wheels, if it unpacks them itself (`startpackages.ts`). */
  private _startWheels: IStartWheel[] | null = null;
  /** The start's wheels as another worker unpacked them, until the start reads them. */
  private _givenTree: IWheelTree<Blob> | null = null;
}
