/**
 * Encode messages into the channel's data buffer and back.
 *
 * Layout: `[u32 json byte length][json utf-8][padding to 8][binary segments]`.
 * Binary values (typed arrays, ArrayBuffers, Python bytes) travel as segments;
 * the JSON holds `{"$b": [offset, length, type]}` in their place, offsets
 * counted from the start of the binary area.
 *
 * A string or number result travels alone, without JSON (`R_STRING`,
 * `R_NUMBER`): UTF-16 code units, or a float64, from the buffer's start.
 */
import { ensureCapacity } from './buffers';

/** A binary segment: raw bytes and the typed-array type to rebuild. */
export interface ISegment {
  bytes: Uint8Array;
  type: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const align8 = (n: number): number => (n + 7) & ~7;

/** Scratch space kept at first, and at most (larger messages use their own). */
const SCRATCH_INITIAL_BYTES = 4096;
const SCRATCH_KEEP_BYTES = 1024 * 1024;

interface IViews {
  bytes: Uint8Array;
  view: DataView;
  units: Uint16Array;
  float: Float64Array;
}

/**
 * Length-tracking views of each growable buffer, made once: creating views
 * costs more than encoding a small message.
 */
const views = new WeakMap<SharedArrayBuffer, IViews>();

function viewsOf(data: SharedArrayBuffer): IViews {
  let found = views.get(data);
  if (!found) {
    found = {
      bytes: new Uint8Array(data),
      view: new DataView(data),
      units: new Uint16Array(data),
      float: new Float64Array(data),
    };
    views.set(data, found);
  }
  return found;
}

/** Non-shared scratch space: TextEncoder/TextDecoder refuse views of shared memory. */
let scratch = new Uint8Array(SCRATCH_INITIAL_BYTES);

/**
 * Scratch space of at least `bytes` bytes. Up to `SCRATCH_KEEP_BYTES` it is
 * kept for the next message; a larger message gets space of its own, freed
 * with it (as the data buffer shrinks back after a large message).
 */
function scratchOf(bytes: number): Uint8Array {
  if (bytes > SCRATCH_KEEP_BYTES) {
    return new Uint8Array(bytes);
  }
  if (scratch.length < bytes) {
    scratch = new Uint8Array(Math.min(SCRATCH_KEEP_BYTES, Math.max(bytes, scratch.length * 2)));
  }
  return scratch;
}

/** Bytes of scratch space this side keeps (for leak tests). */
export function scratchBytes(): number {
  return scratch.length;
}

/**
 * Write `json` and `segments` into `data` (growing it if needed).
 *
 * @returns the number of bytes written.
 */
export function writeMessage(
  data: SharedArrayBuffer,
  json: string,
  segments: readonly Uint8Array[] = [],
): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; a large text is encoded
  // into space of its own size
  let text: Uint8Array;
  let textLength: number;
  if (json.length * 3 <= SCRATCH_KEEP_BYTES) {
    text = scratchOf(json.length * 3);
    textLength = encoder.encodeInto(json, text).written;
  } else {
    text = encoder.encode(json);
    textLength = text.length;
  }
  ensureCapacity(data, 4 + textLength);
  const { bytes, view } = viewsOf(data);
  view.setUint32(0, textLength, true);
  bytes.set(text.subarray(0, textLength), 4);
  const binaryStart = align8(4 + textLength);
  let total = binaryStart;
  for (const segment of segments) {
    total = align8(total + segment.byteLength);
  }
  ensureCapacity(data, total);
  let offset = binaryStart;
  for (const segment of segments) {
    bytes.set(segment, offset);
    offset = align8(offset + segment.byteLength);
  }
  return total;
}

/** The JSON text and the binary area of a message. */
export interface IRawMessage {
  json: string;
  /** A copy of the binary area (segments index into it). */
  binary: Uint8Array | null;
}

/** Read a message of `length` bytes from `data`. */
export function readMessage(data: SharedArrayBuffer, length: number): IRawMessage {
  const { bytes, view } = viewsOf(data);
  const textLength = view.getUint32(0, true);
  const text = scratchOf(textLength);
  text.set(bytes.subarray(4, 4 + textLength));
  const binaryStart = align8(4 + textLength);
  const binary = length > binaryStart ? bytes.slice(binaryStart, length) : null;
  return { json: decoder.decode(text.subarray(0, textLength)), binary };
}

/** Write `text` as UTF-16 code units; returns how many. */
export function writeString(data: SharedArrayBuffer, text: string): number {
  ensureCapacity(data, text.length * 2);
  const { units } = viewsOf(data);
  for (let i = 0; i < text.length; i++) {
    units[i] = text.charCodeAt(i);
  }
  return text.length;
}

/** Code units per `String.fromCharCode` call (it takes them as arguments). */
const UNITS_PER_CALL = 8192;

/** Read a string of `length` UTF-16 code units. */
export function readString(data: SharedArrayBuffer, length: number): string {
  const { units } = viewsOf(data);
  const fromUnits = (start: number, end: number): string =>
    String.fromCharCode.apply(null, units.subarray(start, end) as unknown as number[]);
  if (length <= UNITS_PER_CALL) {
    return fromUnits(0, length);
  }
  const parts: string[] = [];
  for (let start = 0; start < length; start += UNITS_PER_CALL) {
    parts.push(fromUnits(start, Math.min(length, start + UNITS_PER_CALL)));
  }
  return parts.join('');
}

/** Write a number as a float64. */
export function writeNumber(data: SharedArrayBuffer, value: number): void {
  viewsOf(data).float[0] = value;
}

/** Read a number written by `writeNumber`. */
export function readNumber(data: SharedArrayBuffer): number {
  return viewsOf(data).float[0];
}

/** The typed-array constructors a segment may be rebuilt as. */
export const TYPED_ARRAYS: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};
