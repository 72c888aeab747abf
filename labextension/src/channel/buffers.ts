/**
 * The shared memory of the synchronous channel between one worker and the page.
 *
 * Two SharedArrayBuffers per worker:
 * - `control`: an Int32Array of the `C_*` words of `protocol.ts`, for
 *   Atomics.wait / notify;
 * - `data`: a growable buffer holding one encoded message at a time
 *   (see `codec.ts`); it grows for large payloads and is swapped back for a
 *   small one afterwards (see `C_DATA_GEN`).
 */
import { CONTROL_WORDS, DATA_INITIAL_BYTES, DATA_MAX_BYTES } from '../protocol';

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
