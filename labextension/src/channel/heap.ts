/**
 * The page side's object table: page objects never cross to the worker; they
 * become integer ids, and the worker holds proxies.
 *
 * Each time an id is sent, its count goes up; the worker gives the counts back
 * when its proxies are garbage collected (`release`), so an id sent again
 * while the worker is releasing it stays valid.
 */
import type { IRef } from '../protocol';
import { F_ARRAYLIKE, F_BUFFER, F_CALLABLE, F_ITERABLE, F_NODE, F_THENABLE } from '../protocol';

interface IProtoInfo {
  id: number;
  methods: string[];
}

/** Function-valued data properties along a prototype chain, without calling getters. */
function methodNames(proto: object | null): string[] {
  const names = new Set<string>();
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const descriptor = Object.getOwnPropertyDescriptor(p, name);
      if (descriptor && 'value' in descriptor && typeof descriptor.value === 'function') {
        names.add(name);
      }
    }
  }
  names.delete('constructor');
  return [...names];
}

/** Own function-valued data properties of one object. */
function ownMethodNames(object: object): string[] {
  const names: string[] = [];
  for (const name of Object.getOwnPropertyNames(object)) {
    const descriptor = Object.getOwnPropertyDescriptor(object, name);
    if (descriptor && 'value' in descriptor && typeof descriptor.value === 'function') {
      names.push(name);
    }
  }
  return names;
}

/** One worker's table of page objects. */
export class ObjectHeap {
  /** Number of live ids. */
  get size(): number {
    return this._objects.size;
  }

  /**
   * The results of the batch being performed (`ops.ts`), reached by the
   * negative ids `-(i + 1)`; null outside a batch.
   */
  slots: unknown[] | null = null;

  /** The object behind `id`. @throws ReferenceError for unknown ids. */
  get(id: number): unknown {
    if (id < 0) {
      return this._slot(id);
    }
    const value = this._objects.get(id); // (objects and functions: never undefined)
    if (value === undefined) {
      throw new ReferenceError(`jupyter-worker: no page object with id ${id} (released?)`);
    }
    return value;
  }

  /** A reference to `value` (an object or function), counting one more send. */
  ref(value: object): IRef {
    let id = this._ids.get(value);
    if (id === undefined) {
      id = this._nextId++;
      this._ids.set(value, id);
      this._objects.set(id, value);
      this._counts.set(id, 0);
    }
    this._counts.set(id, (this._counts.get(id) ?? 0) + 1);
    const ref: IRef = { $ref: id, f: this._flags(value), c: this._ctorName(value), p: 0 };
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto) {
      let info = this._protos.get(proto);
      if (!info) {
        info = { id: this._nextProto++, methods: methodNames(proto) };
        this._protos.set(proto, info);
      }
      ref.p = info.id;
      if (!this._sentProtos.has(info.id)) {
        this._sentProtos.add(info.id);
        ref.m = info.methods;
      }
    }
    if (
      value === globalThis ||
      typeof value === 'function' ||
      proto === Object.prototype ||
      !proto
    ) {
      let own = this._ownMethods.get(value);
      if (!own) {
        own = ownMethodNames(value);
        this._ownMethods.set(value, own);
      }
      if (own.length) {
        ref.om = own;
      }
    }
    return ref;
  }

  /** Give back `count` sends of `id`; forget it when none are left. */
  release(id: number, count: number): void {
    const left = (this._counts.get(id) ?? 0) - count;
    if (left > 0) {
      this._counts.set(id, left);
      return;
    }
    const value = this._objects.get(id);
    this._objects.delete(id);
    this._counts.delete(id);
    if (value !== undefined) {
      this._ids.delete(value as object);
    }
  }

  /** Forget everything (worker restarted). */
  clear(): void {
    this._objects.clear();
    this._ids.clear();
    this._counts.clear();
    this._sentProtos.clear();
  }

  private _slot(id: number): unknown {
    const index = -id - 1;
    if (!this.slots || index >= this.slots.length) {
      throw new ReferenceError(`jupyter-worker: no result ${-id} in this batch`);
    }
    return this.slots[index];
  }

  private _flags(value: object): number {
    let flags = 0;
    if (typeof value === 'function') {
      flags |= F_CALLABLE;
    }
    try {
      const record = value as Record<string | symbol, unknown>;
      if (typeof value !== 'function' && typeof record.length === 'number') {
        flags |= F_ARRAYLIKE;
      }
      if (typeof record[Symbol.iterator] === 'function') {
        flags |= F_ITERABLE;
      }
      if (typeof record.then === 'function') {
        flags |= F_THENABLE;
      }
    } catch {
      // a throwing getter: the object is none of these
    }
    if (typeof Node !== 'undefined' && value instanceof Node) {
      flags |= F_NODE;
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      flags |= F_BUFFER;
    }
    return flags;
  }

  private _ctorName(value: object): string {
    try {
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      return typeof ctor?.name === 'string' ? ctor.name : 'Object';
    } catch {
      return 'Object';
    }
  }

  private _objects = new Map<number, unknown>();
  private _ids = new Map<object, number>();
  private _counts = new Map<number, number>();
  private _protos = new WeakMap<object, IProtoInfo>();
  private _ownMethods = new WeakMap<object, string[]>();
  private _sentProtos = new Set<number>();
  private _nextId = 1;
  private _nextProto = 1;
}
