/**
 * Values as they cross between the page and worker Python (JSON with markers).
 *
 * Page to worker: primitives as JSON (`undefined` as `null`, `null` as
 * `{"$null":1}`), everything else as a reference (see `heap.ts`).
 * Worker to page: primitives; `{"$ref"}` for proxies; `{"$cb"}` for Python
 * callables; `{"$b"}` for bytes; `{"$obj"}` for dicts; arrays for lists.
 * The Python side of this is `jupyter_worker/worker/codec.py`.
 */
import { TYPED_ARRAYS } from './codec';
import type { ObjectHeap } from './heap';
import type { IChannelError } from '../protocol';

/** A JSON value on the wire. */
export type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

/** How a Python callable is wrapped on the page. */
export interface ICallbackSpec {
  $cb: number;
  /** Call `preventDefault()` on the first argument before queueing. */
  pd?: boolean;
  /** Call `stopPropagation()` on the first argument before queueing. */
  sp?: boolean;
}

/** Turns a callback spec into a page function (kept by the server). */
export type CallbackFactory = (spec: ICallbackSpec) => (...args: unknown[]) => Promise<unknown>;

/** Encode a page value for the worker; binary values go to `segments`. */
export function toWire(value: unknown, heap: ObjectHeap): Wire {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : { $num: String(value) };
    case 'bigint':
      return { $bigint: value.toString() };
    case 'symbol':
      return { $symbol: value.toString() };
    default:
      if (value === null) {
        return { $null: 1 };
      }
      return heap.ref(value as object) as unknown as Wire;
  }
}

/** Decode a worker value; `binary` holds the message's binary segments. */
export function fromWire(
  wire: Wire,
  heap: ObjectHeap,
  callbacks: CallbackFactory,
  binary: Uint8Array | null,
): unknown {
  if (wire === null) {
    return undefined;
  }
  if (typeof wire !== 'object') {
    return wire;
  }
  if (Array.isArray(wire)) {
    return wire.map((item) => fromWire(item, heap, callbacks, binary));
  }
  if ('$ref' in wire) {
    return heap.get(wire.$ref as number);
  }
  if ('$null' in wire) {
    return null;
  }
  if ('$cb' in wire) {
    return callbacks(wire as unknown as ICallbackSpec);
  }
  if ('$b' in wire) {
    const [offset, length, type] = wire.$b as [number, number, string];
    if (!binary) {
      throw new Error('jupyter-worker: binary value without binary data');
    }
    const copy = binary.slice(offset, offset + length).buffer;
    const Ctor = TYPED_ARRAYS[type];
    return type === 'ArrayBuffer' || !Ctor ? copy : new Ctor(copy);
  }
  if ('$obj' in wire) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(wire.$obj as Record<string, Wire>)) {
      // an own property even for "__proto__" (assignment would set the prototype)
      Object.defineProperty(out, key, {
        value: fromWire(item, heap, callbacks, binary),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if ('$num' in wire) {
    return Number(wire.$num);
  }
  if ('$bigint' in wire) {
    return BigInt(wire.$bigint as string);
  }
  throw new Error(`jupyter-worker: unknown value on the wire: ${JSON.stringify(wire)}`);
}

/** What the worker learns of a page exception: its name, message and stack. */
export function errorPayload(error: unknown): IChannelError {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack ?? '' }
    : { name: 'Error', message: String(error), stack: '' };
}
