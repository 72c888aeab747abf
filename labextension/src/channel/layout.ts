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
 * How long the worker ran between its last answer and its newest request
 * (µs; not counting its own wake-up).
 */
export const C_THINK_US = 7;
/** When the page wrote its newest answer (`clockUs`). */
export const C_ANSWERED_AT = 8;
/** Bumped by the worker each time it raises KeyboardInterrupt for an interrupt. */
export const C_RAISED = 9;
/** Number of control words. */
export const CONTROL_WORDS = 16;

/** Answer kinds. */
export const R_OK = 0;
export const R_ERROR = 1;
/** Not an answer: a page event for a Python callback, delivered during a wait. */
export const R_CALLBACK = 2;
/** The user interrupted the wait: worker Python raises KeyboardInterrupt. */
export const R_INTERRUPT = 3;

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
