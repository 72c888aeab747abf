/**
 * Names and wire messages shared by the main thread and the worker.
 *
 * Every message that crosses between them is typed here; the Python side of
 * the same messages is `jupyter_worker/protocol.py`.
 */

/** The kernelspec name of the JupyterLite worker kernel. */
export const KERNEL_NAME = 'python-worker';

/** The name shown in the launcher. */
export const KERNEL_DISPLAY_NAME = 'Python (worker)';

/** The prefix of every plugin id of this extension. */
export const EXTENSION_ID = 'jupyter-worker';

/**
 * The `litePluginSettings` key of the upstream Pyodide kernel. The worker
 * kernel reads the same settings, so both kernels of a site share one Pyodide.
 */
export const PYODIDE_KERNEL_PLUGIN_ID = '@jupyterlite/pyodide-kernel-extension:kernel';

/**
 * A message the worker posts outside comlink's own traffic: a kernel message
 * for the notebook (stream, display_data, execute_result, error, comm...).
 */
export interface IKernelMessageEnvelope {
  _kernelMessage: { type: string; [key: string]: unknown };
}

/** A log line the worker posts for the log console. */
export interface ILogMessageEnvelope {
  _logMessage: { type: 'text'; level: 'info' | 'warning' | 'critical'; data: string };
}

/** Start-up progress of the worker, for the status bar. */
export interface IProgressEnvelope {
  _jwProgress: { step: number; steps: number; label: string };
}

/**
 * The worker holds the Web Lock of this name for as long as it lives: the page
 * requests it too, and is granted it when the worker is gone (crashed, closed,
 * killed for memory), which no worker event reports.
 */
export interface ILifelineEnvelope {
  _jwLifeline: string;
}

/** Pyodide failed fatally (e.g. out of memory): the worker cannot run cells. */
export interface IFatalEnvelope {
  _jwFatal: string;
}

/** Everything the worker posts besides comlink replies. */
export type WorkerEnvelope =
  | IKernelMessageEnvelope
  | ILogMessageEnvelope
  | IProgressEnvelope
  | ILifelineEnvelope
  | IFatalEnvelope;

/** Operations worker Python asks the page for, over the synchronous channel. */
export type ChannelOp =
  | 'root'
  | 'get'
  | 'set'
  | 'del'
  | 'has'
  | 'call'
  | 'apply'
  | 'new'
  | 'len'
  | 'iter'
  | 'keys'
  | 'str'
  | 'bytes'
  | 'await'
  | 'wait_event'
  | 'release'
  | 'display'
  | 'cbdone'
  | 'cbabort'
  | 'take'
  | 'cbresult'
  | 'drive'
  | 'input'
  | 'stats';

/**
 * One request from worker Python (`jupyter_worker/protocol.py` `Request`).
 * Values are in the wire format of `channel/values.ts`.
 */
export interface IChannelRequest {
  op: ChannelOp;
  /** Heap id of the target object. */
  id?: number;
  /** Property name or index. */
  key?: string | number;
  /** `get`: the number the worker gives `key` for later `OP_GET` requests. */
  k?: number;
  /** Call arguments. */
  args?: unknown[];
  /** Value to set. */
  value?: unknown;
  /** `root`: "window" or "document". */
  name?: 'window' | 'document';
  /** `wait_event`: the event type. */
  type?: string;
  /** `wait_event`: seconds before a TimeoutError (none: wait forever). */
  timeout?: number | null;
  /** `release`: [heap id, count] pairs the worker gives back. */
  ids?: [number, number][];
  /** `release`: callback ids the worker forgets. */
  cbs?: number[];
  /** `cbresult`: which call finished. */
  call?: number;
  /** `cbresult`: the Python exception, if the callback raised. */
  error?: IChannelError;
  /** `input`: the prompt `input()` / `getpass()` shows. */
  prompt?: string;
  /** `input`: whether to hide what is typed (`getpass`). */
  password?: boolean;
  /** `input`: the header of the execute request that asks. */
  parent?: Record<string, unknown>;
}

/** What the page serves a worker besides its heap (see `PageChannel`). */
export interface IPageServices {
  /** Serve a JupyterLite drive request of the worker's `/drive` mount (plain JSON). */
  drive?(request: unknown): Promise<unknown>;
  /** Ask the notebook for a line of input (`input()` / `getpass()`); resolves with it. */
  input?(request: IInputRequest): Promise<string>;
  /**
   * Clean the HTML snapshot of a displayed element (no scripts, no handlers);
   * without it no snapshot is saved.
   */
  sanitize?(html: string): string;
}

/** An `input()` / `getpass()` of worker Python, as the page receives it. */
export interface IInputRequest {
  prompt: string;
  password: boolean;
  /** The header of the execute request whose cell asks. */
  parent: Record<string, unknown>;
}

/** A successful answer: `{"v": value}`. */
export interface IChannelResult {
  v: unknown;
}

/** A failed answer: the page-side exception. */
export interface IChannelError {
  name: string;
  message: string;
  stack: string;
}

/** A page call of a Python callback: `{"cb": id, "call": n, "args": [...]}`. */
export interface ICallbackEvent {
  /** Which Python callable. */
  cb: number;
  /** Which call (its result comes back as `cbresult`). */
  call: number;
  args: unknown[];
}

/**
 * A kernel message for worker Python that must not wait for the running cell
 * to end (a widget's `comm_msg`): handed over like a callback event, whenever
 * the cell waits (`time.sleep`, `wait_for`, `input()`, `run_sync`).
 */
export interface IKernelEvent {
  kernel: {
    msg_type: 'comm_open' | 'comm_msg' | 'comm_close';
    header: unknown;
    parent_header: unknown;
    metadata: unknown;
    content: unknown;
    /** The message's binary buffers, in base64. */
    buffers: string[];
  };
}

/**
 * Page functions of these Python callbacks were garbage collected (their
 * listeners removed, their elements gone): nothing on the page can call them,
 * and worker Python lets go of the callables.
 */
export interface IGoneEvent {
  gone: number[];
}

/** What the page queues for worker Python. */
export type ChannelEvent = ICallbackEvent | IKernelEvent | IGoneEvent;

/** Messages on the channel's MessagePort (besides shared memory). */
export interface IPortMessage {
  /** Worker to page: a request was written (message mode). */
  _jwRequest?: number;
  /** Worker to page: use this data buffer from generation `gen` on. */
  _jwData?: { buffer: SharedArrayBuffer; gen: number };
  /** Page to worker: callback calls are queued; fetch them (`take`) when idle. */
  _jwPoll?: 1;
}

/** How the page learns that the worker wrote a request. */
export type NotifyMode = 'waitAsync' | 'message';

/** What the worker gets to set up its side of the channel. */
export interface IChannelOptions {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  /** Pyodide's interrupt buffer: the page writes SIGINT (2) to interrupt Python. */
  interrupt: SharedArrayBuffer;
  port: MessagePort;
  mode: NotifyMode;
}

/** The worker kernel's own settings (`litePluginSettings["jupyter-worker:kernel"]`). */
export interface IWorkerSettings {
  /**
   * How the page learns that worker Python wrote a request: parked on
   * `Atomics.waitAsync` (default) or from a port message.
   */
  notifyMode: NotifyMode;
  /** Seconds the page waits for a Python callback's result before rejecting. */
  callbackTimeout: number;
}

/**
 * Where the Jupyter server extension serves the offline Pyodide for `%%worker`
 * in JupyterLab, below the base URL (`jupyter_worker/constants.py`
 * `LAB_PYODIDE_PATH`).
 */
export const LAB_PYODIDE_PATH = 'static/jupyter_worker/';

/**
 * The JupyterLab page-config key under which the server extension gives
 * `%%worker` cells its package settings (`jupyter_worker/constants.py`).
 */
export const LAB_PAGE_CONFIG_KEY = 'jupyterWorker';

/** MIME type of the JSON text of a variable copied with `--in` / `--out`. */
export const VALUE_MIME = 'application/vnd.jupyter-worker.value';

/** MIME type of the Python type name of a variable copied with `--in` / `--out`. */
export const TYPE_MIME = 'application/vnd.jupyter-worker.type';
