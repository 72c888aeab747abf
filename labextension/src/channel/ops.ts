/**
 * The operations the page performs for worker Python, one per request.
 */
import type { IPageServices } from '../tokens';
import { timerDelay } from '../timers';
import { liveElements, registerElement } from '../display/elements';
import { scratchBytes } from './codec';
import { yieldToPage } from './yielding';
import type { ObjectHeap } from './heap';
import type { CallbackFactory, Wire } from './values';
import { errorPayload, fromWire, toWire } from './values';
import type { BatchedRequest, ChannelEvent, IChannelError, IChannelRequest } from '../protocol';

/** The result of a synchronous operation: a wire value and binary segments. */
export interface IOpResult {
  value: Wire;
  segments: Uint8Array[];
}

/** An operation that settles later (the worker keeps waiting, callbacks flow). */
export class AsyncOp {
  /**
   * @param promise - settles with the operation's result.
   * @param cancel - undoes what the operation left on the page (a listener, a
   *   timer) when the worker stops waiting for it (an interrupt).
   */
  constructor(
    readonly promise: Promise<IOpResult>,
    readonly cancel: () => void = () => undefined,
  ) {}
}

type Indexable = Record<string | number, unknown>;

/** `each` calls for about this long in one task, then lets the page run (ms). */
const EACH_SLICE_MS = 4;

/** ...reading the clock once every this many rows. */
const EACH_ROWS_PER_CLOCK = 64;

function describe(target: unknown): string {
  const ctor = (target as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor ?? typeof target;
}

/** What the operations need from the server: Python callbacks, page services. */
export interface ICallbackHooks extends IPageServices {
  /** The page function for a Python callable. */
  make: CallbackFactory;
  /** Forget released callbacks. */
  forget(ids: number[]): void;
  /** Hand over the queued callback calls. */
  take(): ChannelEvent[];
  /** Settle the Promise of a finished call. */
  settle(call: number, value: unknown, error: IChannelError | undefined): void;
}

/** Performs requests against one heap. */
export class Operations {
  constructor(
    private readonly _heap: ObjectHeap,
    private readonly _callbacks: ICallbackHooks,
    private readonly _figures: () => Record<string, number>,
  ) {}

  /** Perform `request`; throws the page-side exception on failure. */
  run(request: IChannelRequest, binary: Uint8Array | null): IOpResult | AsyncOp {
    const heap = this._heap;
    const decode = (wire: unknown): unknown =>
      fromWire(wire as Wire, heap, this._callbacks.make, binary);
    const ok = (value: unknown): IOpResult => ({ value: toWire(value, heap), segments: [] });
    const target = (): Indexable => heap.get(request.id as number) as Indexable;
    const key = request.key as string | number;

    switch (request.op) {
      case 'root':
        return ok(request.name === 'document' ? document : globalThis);
      case 'get':
        if (request.k !== undefined) {
          this._keys[request.k] = key as string;
        }
        return this.get(request.id as number, key);
      case 'set':
      case 'del':
      case 'call':
      case 'apply':
      case 'new':
        return ok(this._act(request, decode));
      case 'batch':
        return this._batch(request.ops ?? [], decode);
      case 'has':
        return ok(this._has(target(), decode(request.value)));
      case 'len': {
        const object = target() as { length?: unknown; size?: unknown };
        const length = typeof object.length === 'number' ? object.length : object.size;
        if (typeof length !== 'number') {
          throw new TypeError(`object of type ${describe(object)} has no len()`);
        }
        return ok(length);
      }
      case 'iter': {
        const items = Array.from(target() as unknown as Iterable<unknown>);
        return { value: items.map((item) => toWire(item, heap)), segments: [] };
      }
      case 'keys':
        return { value: Object.keys(target()), segments: [] };
      case 'str':
        return ok(String(target()));
      case 'bytes':
        return this._bytes(target());
      case 'await':
        return new AsyncOp(Promise.resolve(target() as unknown).then(ok));
      case 'each': {
        const each = this._each(request, decode);
        return new AsyncOp(each.promise.then(ok), each.cancel);
      }
      case 'frame': {
        let frame = 0;
        const next = new Promise<number>((resolve) => {
          frame = requestAnimationFrame(resolve);
        });
        return new AsyncOp(next.then(ok), () => cancelAnimationFrame(frame));
      }
      case 'wait_event': {
        const wait = this._waitEvent(target(), request);
        return new AsyncOp(wait.promise.then(ok), wait.cancel);
      }
      case 'release':
        for (const [id, count] of request.ids ?? []) {
          heap.release(id, count);
        }
        this._callbacks.forget(request.cbs ?? []);
        return ok(undefined);
      case 'display': {
        const element = target() as unknown;
        if (!(element instanceof Element)) {
          throw new TypeError(`display() takes a DOM element, not ${describe(element)}`);
        }
        const sanitize = this._callbacks.sanitize ?? ((): string => '');
        const snapshot = registerElement(element, sanitize);
        return { value: { $obj: snapshot }, segments: [] };
      }
      case 'take':
        return { value: this._callbacks.take() as unknown as Wire, segments: [] };
      case 'cbresult':
        this._callbacks.settle(request.call as number, decode(request.value), request.error);
        return ok(undefined);
      case 'drive': {
        const serve = this._callbacks.drive;
        if (!serve) {
          throw new Error('jupyter-worker: this page serves no drive');
        }
        // plain JSON both ways: the worker's DriveFS reads it, not Python
        return new AsyncOp(
          serve(request.value).then((value) => ({ value: value as Wire, segments: [] })),
        );
      }
      case 'input': {
        const ask = this._callbacks.input;
        if (!ask) {
          throw new Error('jupyter-worker: this page serves no input()');
        }
        const question = {
          prompt: String(request.prompt ?? ''),
          password: request.password === true,
          parent: request.parent ?? {},
        };
        return new AsyncOp(ask(question).then((line) => ({ value: line, segments: [] })));
      }
      case 'workers': {
        const serve = this._callbacks.workers;
        if (!serve) {
          throw new Error('jupyter-worker: this page starts no workers for this one');
        }
        const { promise, cancel } = serve(decode(request.value));
        return new AsyncOp(
          promise.then((text) => ({ value: text, segments: [] })),
          cancel,
        );
      }
      case 'stats':
        return {
          value: {
            $obj: {
              heap: heap.size,
              elements: liveElements(),
              scratch: scratchBytes(),
              ...this._figures(),
            },
          },
          segments: [],
        };
      default:
        throw new TypeError(`jupyter-worker: unknown channel operation ${String(request.op)}`);
    }
  }

  /** Perform a request that changes or calls something; return its raw result. */
  private _act(request: IChannelRequest, decode: (wire: unknown) => unknown): unknown {
    const heap = this._heap;
    const target = (): Indexable => heap.get(request.id as number) as Indexable;
    const args = (): unknown[] => (request.args ?? []).map(decode);
    const key = request.key as string | number;
    switch (request.op) {
      case 'get':
        return target()[key];
      case 'set':
        target()[key] = decode(request.value);
        return undefined;
      case 'del':
        if (!Reflect.deleteProperty(target(), key)) {
          throw new TypeError(`cannot delete property ${String(key)} of ${describe(target())}`);
        }
        return undefined;
      case 'call': {
        const object = target();
        const method = object[key];
        if (typeof method !== 'function') {
          throw new TypeError(`${describe(object)}.${String(key)} is not a function`);
        }
        return Reflect.apply(method, object, args());
      }
      case 'apply': {
        const fn = target() as unknown;
        if (typeof fn !== 'function') {
          throw new TypeError(`${describe(fn)} is not a function`);
        }
        return Reflect.apply(fn, undefined, args());
      }
      case 'new': {
        const ctor = (request.key === undefined ? target() : target()[key]) as unknown;
        if (typeof ctor !== 'function') {
          throw new TypeError(`${describe(ctor)} is not a constructor`);
        }
        return Reflect.construct(ctor, args());
      }
      default:
        throw new TypeError(`jupyter-worker: ${String(request.op)} cannot be batched`);
    }
  }

  /**
   * Perform a batch's requests in order, each result in a slot the later ones
   * reach by a negative id. The answer lists the results that are not
   * `undefined` as `[index, value]` pairs; the first request that throws ends
   * the batch, its index and error besides (the later requests do not run).
   */
  private _batch(ops: BatchedRequest[], decode: (wire: unknown) => unknown): IOpResult {
    const heap = this._heap;
    const slots: unknown[] = [];
    const results: Wire[] = [];
    const answer: Record<string, Wire> = { r: results };
    heap.slots = slots;
    try {
      for (let index = 0; index < ops.length; index++) {
        const [op, id, key, payload] = ops[index];
        let value: unknown;
        try {
          value =
            op === 'call'
              ? this._call(id, key as string, payload as Wire[], decode)
              : this._act(
                  { op, id, key: key ?? undefined, args: payload as unknown[], value: payload },
                  decode,
                );
        } catch (error) {
          answer.at = index;
          answer.e = { $obj: { ...errorPayload(error) } };
          break;
        }
        slots.push(value);
        if (value !== undefined) {
          results.push([index, toWire(value, heap)]);
        }
      }
    } finally {
      heap.slots = null;
    }
    return { value: { $obj: answer }, segments: [] };
  }

  /** A batch's `call`, its arguments decoded in place (most are numbers and strings). */
  private _call(
    id: number,
    key: string,
    args: Wire[],
    decode: (wire: unknown) => unknown,
  ): unknown {
    const object = this._heap.get(id) as Indexable;
    const method = object[key];
    if (typeof method !== 'function') {
      throw new TypeError(`${describe(object)}.${key} is not a function`);
    }
    const values = args as unknown[];
    for (let index = 0; index < values.length; index++) {
      const arg = values[index];
      if (arg === null || typeof arg === 'object') {
        values[index] = decode(arg);
      }
    }
    return Reflect.apply(method, object, values);
  }

  /**
   * `object[key](...row)` for each row of `args`, the results dropped: in
   * slices of `EACH_SLICE_MS`, the page's other tasks running between them
   * (no long task, however many rows). A row that throws ends it, named.
   */
  private _each(
    request: IChannelRequest,
    decode: (wire: unknown) => unknown,
  ): { promise: Promise<undefined>; cancel: () => void } {
    const rows = (request.args ?? []) as Wire[][];
    const key = request.key as string;
    let cancelled = false;
    const run = async (): Promise<undefined> => {
      let row = 0;
      while (row < rows.length && !cancelled) {
        const end = performance.now() + EACH_SLICE_MS;
        do {
          try {
            this._call(request.id as number, key, rows[row], decode);
          } catch (error) {
            const failure = errorPayload(error);
            const named = new Error(`row ${row}: ${failure.message}`);
            named.name = failure.name;
            throw named;
          }
          row++;
        } while (row < rows.length && (row % EACH_ROWS_PER_CLOCK !== 0 || performance.now() < end));
        if (row < rows.length) {
          await yieldToPage();
        }
      }
      return undefined;
    };
    return { promise: run(), cancel: () => (cancelled = true) };
  }

  /** `object[key]` of heap object `id` (the `get` operation). */
  get(id: number, key: string | number): IOpResult {
    const object = this._heap.get(id) as Indexable;
    return { value: toWire(object[key], this._heap), segments: [] };
  }

  /** The key numbered `index` by a JSON `get` (`k`). */
  keyAt(index: number): string {
    const key = this._keys[index];
    if (key === undefined) {
      throw new RangeError(`jupyter-worker: no key numbered ${index}`);
    }
    return key;
  }

  /** Keys by number, for `OP_GET` requests. */
  private readonly _keys: string[] = [];

  private _has(object: Indexable, item: unknown): boolean {
    if (object instanceof Map || object instanceof Set) {
      return object.has(item);
    }
    if (typeof (object as { length?: unknown }).length === 'number') {
      return Array.prototype.includes.call(object, item);
    }
    return (item as string) in object;
  }

  private _bytes(object: unknown): IOpResult {
    let view: Uint8Array;
    let type: string;
    if (object instanceof ArrayBuffer) {
      view = new Uint8Array(object);
      type = 'ArrayBuffer';
    } else if (ArrayBuffer.isView(object)) {
      view = new Uint8Array(object.buffer, object.byteOffset, object.byteLength);
      type = object.constructor.name;
    } else {
      throw new TypeError(`${describe(object)} is not a typed array or ArrayBuffer`);
    }
    return { value: { $b: [0, view.byteLength, type] }, segments: [view] };
  }

  /** The next `type` event of `object` (or a timeout), and how to stop waiting for it. */
  private _waitEvent(
    object: Indexable,
    request: IChannelRequest,
  ): { promise: Promise<unknown>; cancel: () => void } {
    const target = object as unknown as EventTarget;
    if (typeof target.addEventListener !== 'function') {
      throw new TypeError(`${describe(object)} is not an EventTarget`);
    }
    const type = request.type as string;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let listener: (event: Event) => void = () => undefined;
    const cancel = (): void => {
      clearTimeout(timer);
      target.removeEventListener(type, listener);
    };
    const promise = new Promise((resolve, reject) => {
      listener = (event: Event): void => {
        cancel();
        resolve(event);
      };
      target.addEventListener(type, listener, { once: true });
      const delay = typeof request.timeout === 'number' ? timerDelay(request.timeout) : undefined;
      if (delay !== undefined) {
        timer = setTimeout(() => {
          cancel();
          const error = new Error(`no "${type}" event within ${request.timeout} s`);
          error.name = 'TimeoutError';
          reject(error);
        }, delay);
      }
    });
    return { promise, cancel };
  }
}
