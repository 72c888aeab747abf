/**
 * Encode messages into the channel's data buffer and back.
 *
 * Layout: `[u32 json byte length][json utf-8][padding to 8][binary segments]`.
 * Binary values (typed arrays, ArrayBuffers, Python bytes) travel as segments;
 * the JSON holds `{"$b": [offset, length, type]}` in their place, offsets
 * counted from the start of the binary area.
 */
import { ensureCapacity } from './layout';

/** A binary segment: raw bytes and the typed-array type to rebuild. */
export interface ISegment {
  bytes: Uint8Array;
  type: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const align8 = (n: number): number => (n + 7) & ~7;

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
  const text = encoder.encode(json);
  const binaryStart = align8(4 + text.length);
  let total = binaryStart;
  for (const segment of segments) {
    total = align8(total + segment.byteLength);
  }
  ensureCapacity(data, total);
  const bytes = new Uint8Array(data);
  new DataView(data).setUint32(0, text.length, true);
  bytes.set(text, 4);
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
  const textLength = new DataView(data).getUint32(0, true);
  // TextDecoder refuses views of shared memory: copy first.
  const text = new Uint8Array(textLength);
  text.set(new Uint8Array(data, 4, textLength));
  const binaryStart = align8(4 + textLength);
  const binary =
    length > binaryStart ? new Uint8Array(data, binaryStart, length - binaryStart).slice() : null;
  return { json: decoder.decode(text), binary };
}

/** Offsets of segments laid out one after another, each 8-aligned. */
export function segmentOffsets(segments: readonly Uint8Array[]): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const segment of segments) {
    offsets.push(offset);
    offset = align8(offset + segment.byteLength);
  }
  return offsets;
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
