/**
 * The page↔worker↔Python protocol: every constant and message shape that
 * crosses between the notebook page, the worker's JavaScript and worker
 * Python.
 *
 * The first part is shared with worker Python, whose mirror is
 * `jupyter_worker/protocol.py`; `tests/test_protocol.py` checks the two
 * against each other both ways (names, values, fields). The second part is
 * between the page and the worker's JavaScript only: the shared memory's
 * words, the answer kinds the worker's JavaScript turns into values, and the
 * messages posted besides shared memory.
 *
 * Longer than 300 lines on purpose: one place for the whole protocol.
 */

// ---- shared with worker Python (jupyter_worker/protocol.py) ----

/** Answer kinds worker Python reads (`answer()` of the bridge). */
export const R_OK = 0;
export const R_ERROR = 1;
/** The user interrupted the wait: worker Python raises KeyboardInterrupt. */
export const R_INTERRUPT = 3;

/** What the worker needs to know about an object, sent with its id. */
export const F_CALLABLE = 1;
export const F_ARRAYLIKE = 2;
export const F_ITERABLE = 4;
export const F_THENABLE = 8;
export const F_NODE = 16;
export const F_BUFFER = 32;

/** A reference as it crosses to the worker. */
export interface IRef {
  /** Heap id. */
  $ref: number;
  /** `F_*` flags. */
  f: number;
  /** Constructor name, for repr and isinstance-like checks. */
  c: string;
  /** Prototype id: objects with the same prototype share method names. */
  p: number;
  /** Method names of that prototype chain; sent the first time `p` is. */
  m?: string[];
  /**
   * Own function-valued properties, for objects whose methods are their own:
   * the global object, functions (statics such as `Promise.resolve`) and
   * plain objects (namespaces such as `JSON`, `console`).
   */
  om?: string[];
}

/** The MIME type of a displayed worker element. */
export const ELEMENT_MIME = 'application/vnd.jupyter-worker.element+json';

/** What the output stores about a displayed element (its snapshot is the `text/html` part). */
export interface IElementRef {
  /** Registry key of the live element. */
  uuid: string;
  /** Outputs saved before the snapshot moved to `text/html` hold it here. */
  html?: string;
}

/** MIME type of the JSON text of a variable copied with `--in` / `--out`. */
export const VALUE_MIME = 'application/vnd.jupyter-worker.value';

/** MIME type of the Python type name of a variable copied with `--in` / `--out`. */
export const TYPE_MIME = 'application/vnd.jupyter-worker.type';

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
  | 'stats'
  | 'workers'
  | 'batch'
  | 'each'
  | 'frame';

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
  /**
   * `batch`: requests performed in order; a negative id `-(i + 1)` is the
   * result of the batch's request `i`.
   */
  ops?: BatchedRequest[];
}

/**
 * A request queued in a batch, compact: `[op, id, key, args or value]`
 * (`set`: the value; `call`, `apply`, `new`: the arguments; `get`, `del`: null).
 */
export type BatchedRequest = [
  'set' | 'del' | 'call' | 'apply' | 'new' | 'get',
  number,
  string | number | null,
  unknown,
];

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

// ---- page and worker JavaScript only ----

/** Request counter: the worker increments it for each request it writes. */
export const C_REQUEST = 0;
/** The request number the page has answered (the worker waits on this word). */
export const C_RESPONSE = 1;
/** What the answer is: one of the `R_*` kinds. */
export const C_KIND = 2;
/** Byte length of the message in the data buffer. */
export const C_LENGTH = 3;
/** Generation of the data buffer; the worker bumps it when it swaps buffers. */
export const C_DATA_GEN = 4;
/** 1 while the worker runs a cell's code (IPython's pre/post_run_cell), else 0. */
export const C_IN_CELL = 5;
/**
 * Bumped and notified by the page on each interrupt: what the worker's
 * `time.sleep` waits on, so that an interrupt ends it at once.
 */
export const C_WAKE = 6;
/**
 * How long the worker ran from seeing its last answer to writing its newest
 * request (µs), or -1: not measured (the page watched and saw for itself).
 */
export const C_THINK_US = 7;
/** When the page wrote its newest answer (`clockUs`), if the worker asked (`C_TIMED`). */
export const C_ANSWERED_AT = 8;
/** Bumped by the worker each time it raises KeyboardInterrupt for an interrupt. */
export const C_RAISED = 9;
/** 1: the worker sleeps without spinning for this answer, and asks when it was written. */
export const C_TIMED = 10;
/** 1: the page does not watch after this answer, and asks for the worker's think time. */
export const C_WANT_THINK = 11;
/** What the request is: one of the `OP_*` codes. */
export const C_OP = 12;
/** `OP_GET`, `OP_GET_ITEM`: the heap id of the object. */
export const C_ARG0 = 13;
/** `OP_GET`: the number of the key (`k` in a JSON `get`); `OP_GET_ITEM`: the index. */
export const C_ARG1 = 14;
/** `R_REF`: the heap id of the page object. */
export const C_REF = 15;
/**
 * 1 while the page watches for the next request (in a burst): the worker
 * then neither notifies nor posts to it.
 */
export const C_WATCHING = 16;
/**
 * 1 while events (callback calls, kernel messages) wait in the page's queue
 * and the worker is in no page wait: a worker in `time.sleep` takes them
 * (the page also bumps `C_WAKE`); an idle one is poked through its port.
 */
export const C_EVENTS = 17;
/** Number of control words. */
export const CONTROL_WORDS = 32;

/**
 * Request kinds. Reading an attribute, the commonest request, goes without
 * JSON: `C_ARG0` and `C_ARG1` say which object and key (keys are numbered the
 * first time they are read, by a JSON `get` with `k`).
 */
export const OP_MESSAGE = 0;
export const OP_GET = 1;
export const OP_GET_ITEM = 2;

/**
 * Answer kinds that only the worker's JavaScript sees (besides those above).
 * Not an answer: a page event for a Python callback, delivered during a wait. */
export const R_CALLBACK = 2;
/**
 * Results that need no JSON: a string (`C_LENGTH` UTF-16 code units in the
 * data buffer), a number (a float64 there), `true`, `false`, `undefined`.
 */
export const R_STRING = 4;
export const R_NUMBER = 5;
export const R_TRUE = 6;
export const R_FALSE = 7;
export const R_UNDEFINED = 8;
/**
 * A reference to a page object: JSON as `R_OK`, and its heap id in `C_REF`,
 * so that worker Python finds a proxy it already has without reading JSON.
 */
export const R_REF = 9;

/** Initial and "small" size of the data buffer. */
export const DATA_INITIAL_BYTES = 64 * 1024;
/** Largest size the data buffer may grow to. */
export const DATA_MAX_BYTES = 1024 * 1024 * 1024;
/** After messages larger than this, the worker swaps in a small buffer again... */
export const DATA_SHRINK_ABOVE = 4 * 1024 * 1024;
/** ...once this many exchanges in a row were smaller, or the cell ended. */
export const DATA_SHRINK_AFTER = 32;

/** How long one Atomics.wait slice lasts before the worker checks for interrupts. */
export const WAIT_SLICE_MS = 50;

/** Pyodide's interrupt signal number (SIGINT) for its interrupt buffer. */
export const SIGINT = 2;

/** An `input()` / `getpass()` of worker Python, as the page receives it. */
export interface IInputRequest {
  prompt: string;
  password: boolean;
  /** The header of the execute request whose cell asks. */
  parent: Record<string, unknown>;
}

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

/**
 * Sent in the task after a fatal error: Pyodide has thrown it by then, and the
 * browser has reported it (console, DevTools). The page may stop the worker.
 */
export interface IFatalReportedEnvelope {
  _jwFatalReported: true;
}

/**
 * An asynchronous request of worker Python (`_jupyter_worker_async`, usable
 * without isolation): `value` is the JSON text of a `workers` request. The
 * page answers with the remote kernel's `settleAsync(id, ok, text)`.
 */
export interface IAsyncRequestEnvelope {
  _jwAsync: { id: number; value: string };
}

/**
 * Pyodide's wasm module, which the worker compiled: the page gives it to the
 * next workers it starts (`worker/wasmmodule.ts`, `kernel/kept.ts`).
 */
export interface ICompiledEnvelope {
  _jwCompiled: WebAssembly.Module;
}

/**
 * Wheels unpacked (`worker/wheeltree.ts`): the files to write, one after the
 * other in `files`; bytes in the worker that writes them, a Blob between the
 * page and its workers (passed on without a copy, read only by a worker that
 * uses it).
 */
export interface IWheelTree<Files extends Uint8Array | Blob = Uint8Array> {
  /** The lock's sha256 of each wheel, by its name in the lock. */
  packages: Record<string, string>;
  /** Paths (below site-packages) and sizes of the first files. */
  site: [string, number][];
  /** Paths (below `sys.prefix`) and sizes of the wheels' data files, after them. */
  data: [string, number][];
  files: Files;
}

/**
 * The kernel's start-up wheels as a worker unpacked them, for the page to give
 * its next workers (`worker/wheeltree.ts`, `kernel/kept.ts`).
 */
export interface IStartTreeEnvelope {
  _jwStartTree: IWheelTree<Blob>;
}

/** Everything the worker posts besides comlink replies. */
export type WorkerEnvelope =
  | IKernelMessageEnvelope
  | ILogMessageEnvelope
  | IProgressEnvelope
  | ILifelineEnvelope
  | IFatalEnvelope
  | IFatalReportedEnvelope
  | IAsyncRequestEnvelope
  | ICompiledEnvelope
  | IStartTreeEnvelope;

/**
 * How a kernel worker started (`startKind()` of the remote kernel): normally,
 * from the site's memory snapshot, or, for a worker started to make the
 * snapshot, whether it made one or found one stored.
 */
export type StartKind = 'fresh' | 'snapshot' | 'snapshot made' | 'snapshot there';
