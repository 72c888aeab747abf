/**
 * The shared memory of the synchronous channel between one worker and the page.
 *
 * Two SharedArrayBuffers per worker:
 * - `control`: an Int32Array of the words below, for Atomics.wait / notify;
 * - `data`: a growable buffer holding one encoded message at a time
 *   (see `codec.ts`); it grows for large payloads and is swapped back for a
 *   small one afterwards (see `C_DATA_GEN`).
 */

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

/** Answer kinds. */
export const R_OK = 0;
export const R_ERROR = 1;
/** Not an answer: a page event for a Python callback, delivered during a wait. */
export const R_CALLBACK = 2;
/** The user interrupted the wait: worker Python raises KeyboardInterrupt. */
export const R_INTERRUPT = 3;
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
/** After a message larger than this, the worker swaps in a small buffer again. */
export const DATA_SHRINK_ABOVE = 4 * 1024 * 1024;

/** How long one Atomics.wait slice lasts before the worker checks for interrupts. */
export const WAIT_SLICE_MS = 50;

/** Pyodide's interrupt signal number (SIGINT) for its interrupt buffer. */
export const SIGINT = 2;

/** The buffers of one channel, created by the page and sent to the worker. */
export interface IChannelBuffers {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  /** Pyodide's interrupt buffer (one byte, see `pyodide.setInterruptBuffer`). */
  interrupt: SharedArrayBuffer;
}

/** Create the buffers of a new channel. */
export function createChannelBuffers(): IChannelBuffers {
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT),
    data: createDataBuffer(DATA_INITIAL_BYTES),
    interrupt: new SharedArrayBuffer(4),
  };
}

/** A growable data buffer of `bytes` bytes. */
export function createDataBuffer(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes, { maxByteLength: DATA_MAX_BYTES });
}

/** Grow `data` (never shrinks) so that it holds at least `bytes` bytes. */
export function ensureCapacity(data: SharedArrayBuffer, bytes: number): void {
  if (bytes <= data.byteLength) {
    return;
  }
  if (bytes > DATA_MAX_BYTES) {
    throw new RangeError(
      `jupyter-worker: a message of ${bytes} bytes exceeds the channel limit of ${DATA_MAX_BYTES}`,
    );
  }
  let size = data.byteLength;
  while (size < bytes) {
    size *= 2;
  }
  data.grow(Math.min(size, DATA_MAX_BYTES));
}
