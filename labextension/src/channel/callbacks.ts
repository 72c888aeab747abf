/**
 * Page calls of Python callables, queued for one worker.
 *
 * A Python callable given to the page becomes a page function (one per
 * callback id) whose calls are queued here, never posted blindly; the page
 * channel hands them to the worker during its next wait on the page, or
 * pokes an idle worker, which then takes the queue (see `PageChannel`). So a
 * call made while the worker waits on the page (a Promise executor, a `then`
 * callback) runs during that wait instead of deadlocking.
 *
 * Each call returns a Promise of the Python result, rejected with a clear
 * error if the worker does not run it within `callbackTimeout` (busy in a
 * long cell): the call then leaves the queue, and the worker never runs it.
 * Arguments become page references only when a call is handed to the worker,
 * so a queued call pins nothing in the heap. At most `MAX_QUEUED_CALLS` calls
 * of one callback wait (a `mousemove` listener during a long cell): a newer
 * call drops the oldest, whose Promise is rejected.
 *
 * Page functions are held weakly: once nothing on the page can call one (its
 * listener removed, its element gone) it is collected, and worker Python is
 * told (`IGoneEvent`).
 */
import { timerDelay } from '../timers';
import type { ObjectHeap } from './heap';
import type { ICallbackSpec } from './values';
import { toWire } from './values';
import type {
  ChannelEvent,
  ICallbackEvent,
  IChannelError,
  IGoneEvent,
  IKernelEvent,
} from '../protocol';

/**
 * How many calls of one Python callback may wait for a busy worker; a newer
 * call drops the oldest waiting one.
 */
export const MAX_QUEUED_CALLS = 100;

/** A page function standing for a Python callable. */
export type PageFunction = (...args: unknown[]) => Promise<unknown>;

interface IPendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A queued call of a Python callback: its arguments as the page gave them. */
interface IQueuedCall {
  cb: number;
  call: number;
  args: unknown[];
}

/** What waits for the worker. */
type Queued = IQueuedCall | IKernelEvent | IGoneEvent;

/** The events that wait for one worker, and the Promises of its callbacks' calls. */
export class CallbackQueue {
  /**
   * @param heap - the worker's page objects (a call's arguments go there).
   * @param callbackTimeout - seconds a call waits for the worker to run it.
   * @param onQueued - called after each new event: deliver it.
   */
  constructor(heap: ObjectHeap, callbackTimeout: number, onQueued: () => void) {
    this._heap = heap;
    this._callbackTimeout = callbackTimeout;
    this._onQueued = onQueued;
  }

  /** How many events wait for the worker. */
  get length(): number {
    return this._undelivered.length;
  }

  /** How many calls wait for their result. */
  get calls(): number {
    return this._calls.size;
  }

  /** How many page functions of Python callables are alive. */
  get callbacks(): number {
    return this._callbacks.size;
  }

  /** The page function of a Python callable (the same one for the same id). */
  make(spec: ICallbackSpec): PageFunction {
    let fn = this._callbacks.get(spec.$cb)?.deref();
    if (!fn) {
      const id = spec.$cb;
      fn = (...args: unknown[]): Promise<unknown> => {
        const first = args[0] as Partial<Event> | undefined;
        if (spec.pd) {
          first?.preventDefault?.();
        }
        if (spec.sp) {
          first?.stopPropagation?.();
        }
        return this._call(id, args);
      };
      this._callbacks.set(id, new WeakRef(fn));
      this._collected.register(fn, id);
    }
    return fn;
  }

  /** Forget page functions of callbacks the worker released. */
  forget(ids: number[]): void {
    for (const id of ids) {
      this._callbacks.delete(id);
    }
  }

  /**
   * Hand a kernel message to worker Python now, not after the running cell:
   * during the cell's next wait (see `IKernelEvent`), or once it is idle.
   */
  queueKernelMessage(message: IKernelEvent['kernel']): void {
    this._queue({ kernel: message });
  }

  /** Take the next event for the worker, if any. */
  next(): ChannelEvent | undefined {
    for (let queued = this._undelivered.shift(); queued; queued = this._undelivered.shift()) {
      this._counted(queued, -1);
      const event = this._wire(queued);
      if (event) {
        return event;
      }
    }
    return undefined;
  }

  /** Take every waiting event. */
  takeAll(): ChannelEvent[] {
    this._queuedCalls.clear();
    const events: ChannelEvent[] = [];
    for (const queued of this._undelivered.splice(0)) {
      const event = this._wire(queued);
      if (event) {
        events.push(event);
      }
    }
    return events;
  }

  /** Settle the Promise of a finished call (`cbresult`). */
  settle(call: number, value: unknown, error: IChannelError | undefined): void {
    const pending = this._calls.get(call);
    if (!pending) {
      return; // timed out already
    }
    this._calls.delete(call);
    clearTimeout(pending.timer);
    if (error) {
      const failure = new Error(error.message);
      failure.name = error.name;
      pending.reject(failure);
    } else {
      pending.resolve(value);
    }
  }

  /** Forget every page function; queue nothing more. */
  dispose(): void {
    this._disposed = true;
    this._callbacks.clear();
  }

  /** The page function of callback `id` was collected: tell the worker (in one batch). */
  private _callbackCollected(id: number): void {
    if (this._disposed || this._callbacks.get(id)?.deref()) {
      return; // (made again since)
    }
    this._callbacks.delete(id);
    this._gone.add(id);
    if (this._gone.size === 1) {
      queueMicrotask(() => {
        const gone = [...this._gone];
        this._gone.clear();
        if (gone.length && !this._disposed) {
          this._queue({ gone });
        }
      });
    }
  }

  /** Queue one call of Python callback `cb`; its Promise settles with the result. */
  private _call(cb: number, args: unknown[]): Promise<unknown> {
    const call = ++this._lastCall;
    const delay = timerDelay(this._callbackTimeout); // none: a timeout beyond 24 days
    const result = new Promise<unknown>((resolve, reject) => {
      const expire = (): void => {
        this._unqueue((queued) => 'call' in queued && queued.call === call);
        this._calls.delete(call);
        reject(
          new Error(
            `jupyter-worker: the page waited ${this._callbackTimeout} s for a Python ` +
              'callback, but the worker did not run it: it is busy (a long-running cell) ' +
              'or blocked. The callback runs when the worker is free; its result is lost.',
          ),
        );
      };
      const timer = delay === undefined ? undefined : setTimeout(expire, delay);
      this._calls.set(call, { resolve, reject, timer });
    });
    // Listeners ignore the Promise: keep a timeout from being an unhandled rejection.
    result.catch(() => undefined);
    if ((this._queuedCalls.get(cb) ?? 0) >= MAX_QUEUED_CALLS) {
      const oldest = this._unqueue((queued) => 'cb' in queued && queued.cb === cb);
      if (oldest && 'call' in oldest) {
        this._fail(
          oldest.call,
          `jupyter-worker: this call of a Python callback was dropped: the worker is busy ` +
            `and ${MAX_QUEUED_CALLS} newer calls of the same callback wait for it ` +
            '(only the newest are kept).',
        );
      }
    }
    this._queue({ cb, call, args });
    return result;
  }

  /** Reject the Promise of call `call` with `message`. */
  private _fail(call: number, message: string): void {
    const pending = this._calls.get(call);
    if (pending) {
      this._calls.delete(call);
      clearTimeout(pending.timer);
      pending.reject(new Error(message));
    }
  }

  private _queue(event: Queued): void {
    this._undelivered.push(event);
    this._counted(event, 1);
    this._onQueued();
  }

  /** Remove the first queued entry that `match`es; returns it. */
  private _unqueue(match: (queued: Queued) => boolean): Queued | undefined {
    const index = this._undelivered.findIndex(match);
    if (index < 0) {
      return undefined;
    }
    const [queued] = this._undelivered.splice(index, 1);
    this._counted(queued, -1);
    return queued;
  }

  /** Keep `_queuedCalls` right as `queued` enters (+1) or leaves (-1) the queue. */
  private _counted(queued: Queued, change: 1 | -1): void {
    if ('cb' in queued) {
      const count = (this._queuedCalls.get(queued.cb) ?? 0) + change;
      if (count > 0) {
        this._queuedCalls.set(queued.cb, count);
      } else {
        this._queuedCalls.delete(queued.cb);
      }
    }
  }

  /**
   * The event a queued entry is for the worker: a call's arguments become
   * page references now. A call whose arguments cannot be sent fails.
   */
  private _wire(queued: Queued): ChannelEvent | undefined {
    if ('gone' in queued) {
      // a callback the worker sent again since has a page function again
      const gone = queued.gone.filter((id) => !this._callbacks.get(id)?.deref());
      return gone.length ? { gone } : undefined;
    }
    if (!('cb' in queued)) {
      return queued;
    }
    try {
      const args = queued.args.map((arg) => toWire(arg, this._heap));
      return { cb: queued.cb, call: queued.call, args } satisfies ICallbackEvent;
    } catch (error) {
      this._fail(
        queued.call,
        `jupyter-worker: a callback's arguments cannot be sent: ${String(error)}`,
      );
      return undefined;
    }
  }

  private readonly _heap: ObjectHeap;
  private readonly _callbackTimeout: number;
  private readonly _onQueued: () => void;
  private readonly _callbacks = new Map<number, WeakRef<PageFunction>>();
  private readonly _collected = new FinalizationRegistry<number>((id) =>
    this._callbackCollected(id),
  );
  /** Callbacks collected since the last `IGoneEvent`. */
  private readonly _gone = new Set<number>();
  private readonly _undelivered: Queued[] = [];
  /** How many calls of each callback are queued (`MAX_QUEUED_CALLS`). */
  private readonly _queuedCalls = new Map<number, number>();
  private readonly _calls = new Map<number, IPendingCall>();
  private _lastCall = 0;
  private _disposed = false;
}
