/**
 * The page side of one worker's synchronous channel.
 *
 * The worker writes a request into shared memory and blocks; the page learns
 * of it (parked on `Atomics.waitAsync`, or from a port message: see
 * `NotifyMode`), performs it on the heap and writes the answer. The page never
 * waits synchronously on the worker.
 *
 * Page calls of Python callables wait in a `CallbackQueue`: while an
 * asynchronous operation (awaiting a promise, waiting for an event) is
 * pending, it opens a frame and queued calls are handed to the blocked worker
 * as `R_CALLBACK` answers; the worker runs the callback and continues the
 * frame with `cbdone`. Otherwise the worker is poked through its port and,
 * once idle, takes the queue (`take`).
 *
 * Every failure to read or perform a request is answered with an error, and
 * the page goes on serving.
 *
 * One class of some 550 lines, on purpose: the serve loop, the frames and the
 * answer writer share the watch state of the hot path (`_serving`, `_watch`,
 * `C_WANT_THINK`); the parts that stand alone live beside it (`answers.ts`,
 * `callbacks.ts`, `ops.ts`).
 */
import type { IPageServices } from '../tokens';
import type { IAnswer } from './answers';
import { errorAnswer, okAnswer } from './answers';
import { CallbackQueue } from './callbacks';
import { readMessage, writeMessage, writeNumber, writeString } from './codec';
import { ObjectHeap } from './heap';
import type { IChannelBuffers } from './buffers';
import { SpinBudget, clockUs } from './spin';
import { yieldToPage } from './yielding';
import { AsyncOp, Operations } from './ops';
import type {
  ChannelEvent,
  IChannelOptions,
  IChannelRequest,
  IKernelEvent,
  IPortMessage,
  NotifyMode,
} from '../protocol';
import {
  C_ANSWERED_AT,
  C_ARG0,
  C_ARG1,
  C_DATA_GEN,
  C_EVENTS,
  C_IN_CELL,
  C_KIND,
  C_LENGTH,
  C_OP,
  C_RAISED,
  C_REF,
  C_REQUEST,
  C_RESPONSE,
  C_THINK_US,
  C_TIMED,
  C_WAKE,
  C_WANT_THINK,
  C_WATCHING,
  OP_GET,
  OP_MESSAGE,
  R_CALLBACK,
  R_INTERRUPT,
  R_NUMBER,
  R_REF,
  R_STRING,
  SIGINT,
} from '../protocol';

interface IFrame {
  /** The request number the worker waits on for this frame. */
  seq: number;
  /** Whether the worker is waiting on `seq` (not running a callback). */
  waiting: boolean;
  /** The answer, once the operation settled. */
  answer?: IAnswer;
  /** Undo what the operation left on the page, when the worker gives it up. */
  cancel: () => void;
}

/**
 * After an answer, how long the page watches for the worker's next request
 * before it goes back to waiting for a notification (ms).
 */
const BURST_WATCH_MS = 0.05;

/** The longest the page serves a burst of requests before it yields (ms). */
const BURST_BUDGET_MS = 4;

/** In a burst, the clock is read (for `BURST_BUDGET_MS`) after every this many answers. */
const ANSWERS_PER_CLOCK = 8;

/**
 * Polls of a watch before the first clock read: most requests in a burst come
 * within these, and a clock read costs as much as a dozen polls.
 */
const UNTIMED_POLLS = 256;

/** Past those, the clock is read once every this many polls. */
const POLLS_PER_CLOCK = 16;

/** Serves one worker's requests. */
export class PageChannel {
  /**
   * @param buffers - the shared memory, created with `createChannelBuffers`.
   * @param mode - how the page learns of requests.
   * @param callbackTimeout - seconds the page waits for a Python callback's result.
   * @param services - what else the page serves: the worker's `/drive`
   *   (JupyterLite contents), `input()`.
   */
  constructor(
    buffers: IChannelBuffers,
    mode: NotifyMode,
    callbackTimeout: number,
    services: IPageServices = {},
  ) {
    this._queue = new CallbackQueue(this.heap, callbackTimeout, () => this._deliver());
    this._control = new Int32Array(buffers.control);
    this._data = buffers.data;
    this._interrupt = buffers.interrupt;
    this._mode = mode;
    const channel = new MessageChannel();
    this._port = channel.port1;
    this._workerPort = channel.port2;
    this._ops = new Operations(
      this.heap,
      {
        make: (spec) => this._queue.make(spec),
        forget: (ids) => this._queue.forget(ids),
        take: () => this._take(),
        settle: (call, value, error) => this._queue.settle(call, value, error),
        drive: services.drive,
        input: services.input,
        sanitize: services.sanitize,
        workers: services.workers,
      },
      () => ({
        data: this._data.byteLength,
        answered: this._answered,
        watched: this._watched,
        woken: this._woken,
        queued: this._queue.length,
        calls: this._queue.calls,
        callbacks: this._queue.callbacks,
      }),
    );
    this._port.onmessage = (event: MessageEvent<IPortMessage>) => this._onPortMessage(event.data);
  }

  /** The page objects this worker holds. */
  readonly heap = new ObjectHeap();

  /** What the worker needs; send it with its port in the transfer list. */
  workerOptions(): IChannelOptions {
    return {
      control: this._control.buffer as SharedArrayBuffer,
      data: this._data,
      interrupt: this._interrupt,
      port: this._workerPort,
      mode: this._mode,
    };
  }

  /**
   * End a wait on the page (`wait_for`, `run_sync`) with KeyboardInterrupt in
   * Python. Its pending operation is dropped (a late result is ignored).
   * Returns false when the worker is not waiting on the page.
   */
  interruptWait(): boolean {
    const index = this._frames.findLastIndex((frame) => frame.waiting);
    if (index < 0) {
      return false;
    }
    // only the innermost wait: outer ones (a callback runs inside them) are
    // given up by the worker as the KeyboardInterrupt leaves them (cbabort)
    const [waiting] = this._dropFrames(index);
    this._answer(waiting.seq, { kind: R_INTERRUPT, json: '{}', segments: [] });
    return true;
  }

  /** Drop the frames from `index` on, undoing what their operations left. */
  private _dropFrames(index: number): IFrame[] {
    const dropped = this._frames.splice(index);
    for (const frame of dropped) {
      frame.cancel();
    }
    return dropped;
  }

  /** Whether the worker is running a cell's own code (not kernel machinery). */
  inCell(): boolean {
    return Atomics.load(this._control, C_IN_CELL) === 1;
  }

  /** How many interrupts the worker has raised as KeyboardInterrupt so far. */
  interruptsRaised(): number {
    return Atomics.load(this._control, C_RAISED);
  }

  /**
   * Make Pyodide raise KeyboardInterrupt at the next bytecode; a `time.sleep`
   * in progress ends at once.
   */
  interruptPython(): void {
    Atomics.store(new Uint8Array(this._interrupt), 0, SIGINT);
    Atomics.add(this._control, C_WAKE, 1);
    Atomics.notify(this._control, C_WAKE);
  }

  /** Start serving. */
  start(): void {
    if (this._mode === 'waitAsync') {
      void this._park();
    }
  }

  /** Stop serving and drop every page object of this worker. */
  dispose(): void {
    this._disposed = true;
    this._port.close();
    Atomics.notify(this._control, C_REQUEST);
    this.heap.clear();
    this._queue.dispose();
  }

  private async _park(): Promise<void> {
    while (!this._disposed) {
      const waited = Atomics.waitAsync(this._control, C_REQUEST, this._lastRequest);
      if (waited.async) {
        await waited.value;
      }
      await this._serve();
    }
  }

  private _onPortMessage(message: IPortMessage): void {
    if (message._jwData) {
      const { buffer, gen } = message._jwData;
      this._dataByGen.set(gen, buffer);
      this._dataWaiters.get(gen)?.();
    }
    // (requests served in a burst leave their messages behind: ignore those)
    if (
      message._jwRequest !== undefined &&
      !this._serving &&
      Atomics.load(this._control, C_REQUEST) !== this._lastRequest
    ) {
      void this._serve();
    }
  }

  /**
   * Handle the worker's requests while they come back to back.
   *
   * Learning of a request costs the page a task (about 15 µs from
   * `Atomics.waitAsync`, more from a port message), several times what
   * answering it costs. A worker making calls in a loop writes its next
   * request within microseconds of an answer, so after each answer the page
   * watches for the next one for a while (`BURST_WATCH_MS`); it serves such a
   * burst in one task, yielding to the event loop every `BURST_BUDGET_MS` so
   * that the notebook stays responsive, and goes back to waiting (no CPU)
   * once the worker pauses.
   *
   * No watch while it mostly does not pay (`SpinBudget`): the worker thinks
   * longer between calls, or the machine's cores are all busy.
   */
  private async _serve(): Promise<void> {
    this._serving = true;
    const control = this._control;
    try {
      let began = performance.now();
      let served = 0;
      // false until the first answer: a request found then was not caught by a watch
      let watching = false;
      let polls = 0;
      let watchEnd = 0;
      while (!this._disposed) {
        if (Atomics.load(control, C_REQUEST) !== this._lastRequest) {
          if (watching) {
            this._watched++;
          } else {
            this._woken++;
          }
          this._judgeWatch(watching);
          const pending = this._poll();
          if (pending) {
            await pending;
          }
          if (++served % ANSWERS_PER_CLOCK === 0 && performance.now() - began > BURST_BUDGET_MS) {
            await yieldToPage();
            began = performance.now();
          }
          this._roundWatched = watching = this._watch.spinning;
          Atomics.store(control, C_WATCHING, watching ? 1 : 0);
          polls = 0;
          watchEnd = 0;
        } else if (!watching) {
          return;
        } else if (++polls >= UNTIMED_POLLS && polls % POLLS_PER_CLOCK === 0) {
          const now = performance.now();
          if (watchEnd === 0) {
            watchEnd = now + this._watch.maxMs;
          } else if (now >= watchEnd) {
            // the worker notifies from now on; a request written meanwhile is
            // seen by the next turn of the loop
            Atomics.store(control, C_WATCHING, 0);
            watching = false;
          }
        }
      }
    } finally {
      Atomics.store(control, C_WATCHING, 0);
      this._serving = false;
    }
  }

  /**
   * Judge the round that the worker's new request ends for the watch budget:
   * by the worker's think time if it sent one (the page did not watch, or the
   * worker slept: its wake-up is not its think time), else by whether the
   * page's watch saw the request.
   */
  private _judgeWatch(sawIt: boolean): void {
    const think = Atomics.load(this._control, C_THINK_US);
    if (think >= 0) {
      this._watch.recordElapsed(think / 1000);
    } else if (this._roundWatched) {
      this._watch.record(sawIt);
    }
    this._roundWatched = false;
  }

  /**
   * Handle the newest request, if the worker wrote one we have not seen.
   * Synchronous unless the worker swapped its data buffer (rare).
   */
  private _poll(): Promise<void> | undefined {
    const seq = Atomics.load(this._control, C_REQUEST);
    if (seq === this._lastRequest || this._disposed) {
      return undefined;
    }
    this._lastRequest = seq;
    if (Atomics.load(this._control, C_DATA_GEN) !== this._dataGen) {
      return this._adoptDataBuffer().then(
        () => this._handle(seq),
        (error: unknown) => this._answer(seq, errorAnswer(error)),
      );
    }
    this._handle(seq);
    return undefined;
  }

  /** Handle request `seq`; whatever fails is answered as an error. */
  private _handle(seq: number): void {
    try {
      this._handleRequest(seq);
    } catch (error) {
      this._answer(seq, errorAnswer(error));
    }
  }

  private _handleRequest(seq: number): void {
    const op = Atomics.load(this._control, C_OP);
    if (op !== OP_MESSAGE) {
      this._handleGet(seq, op);
      return;
    }
    const raw = readMessage(this._data, Atomics.load(this._control, C_LENGTH));
    const request = JSON.parse(raw.json) as IChannelRequest;
    if (request.op === 'cbabort') {
      // an exception (an interrupt) left a callback run during this frame's
      // wait: the worker no longer waits for it
      if (this._frames.length) {
        this._dropFrames(this._frames.length - 1);
      }
      this._answer(seq, okAnswer({ value: null, segments: [] }));
      return;
    }
    if (request.op === 'cbdone') {
      const frame = this._frames.at(-1);
      if (!frame) {
        this._answer(seq, errorAnswer(new Error('jupyter-worker: cbdone without a frame')));
        return;
      }
      frame.seq = seq;
      frame.waiting = true;
      this._pump(frame);
      return;
    }
    const result = this._ops.run(request, raw.binary);
    if (!(result instanceof AsyncOp)) {
      this._answer(seq, okAnswer(result));
      return;
    }
    const frame: IFrame = { seq, waiting: true, cancel: result.cancel };
    this._frames.push(frame);
    // calls queued before the wait began (a Promise executor) run during it
    this._pump(frame);
    result.promise.then(
      (value) => {
        try {
          frame.answer = okAnswer(value);
        } catch (error) {
          frame.answer = errorAnswer(error);
        }
        this._pump(frame);
      },
      (error: unknown) => {
        frame.answer = errorAnswer(error);
        this._pump(frame);
      },
    );
  }

  /** Handle an `OP_GET` or `OP_GET_ITEM` request (no JSON). */
  private _handleGet(seq: number, op: number): void {
    const id = Atomics.load(this._control, C_ARG0);
    const arg = Atomics.load(this._control, C_ARG1);
    let answer: IAnswer;
    try {
      answer = okAnswer(this._ops.get(id, op === OP_GET ? this._ops.keyAt(arg) : arg));
    } catch (error) {
      answer = errorAnswer(error);
    }
    this._answer(seq, answer);
  }

  /** Give the worker what `frame` has for it, if the worker waits on it. */
  private _pump(frame: IFrame): void {
    // (a frame dropped by an interrupt is no longer in _frames: it never answers)
    if (frame !== this._frames.at(-1) || !frame.waiting) {
      return;
    }
    const event = this._queue.next();
    if (event !== undefined) {
      frame.waiting = false;
      this._answer(frame.seq, { kind: R_CALLBACK, json: JSON.stringify(event), segments: [] });
      return;
    }
    if (frame.answer) {
      this._frames.pop();
      this._answer(frame.seq, frame.answer);
      if (!this._frames.length && this._queue.length) {
        this._signalEvents();
      }
    }
  }

  private _answer(seq: number, answer: IAnswer): void {
    if (this._disposed) {
      return;
    }
    const control = this._control;
    let length = 0;
    try {
      if (answer.kind === R_STRING) {
        length = writeString(this._data, answer.value as string);
      } else if (answer.kind === R_NUMBER) {
        writeNumber(this._data, answer.value as number);
      } else if (answer.json) {
        length = writeMessage(this._data, answer.json, answer.segments);
        if (answer.kind === R_REF) {
          Atomics.store(control, C_REF, answer.value as number);
        }
      }
    } catch (error) {
      answer = errorAnswer(error);
      length = writeMessage(this._data, answer.json);
    }
    Atomics.store(control, C_LENGTH, length);
    Atomics.store(control, C_KIND, answer.kind);
    if (Atomics.load(control, C_TIMED) === 1) {
      Atomics.store(control, C_ANSWERED_AT, clockUs());
    }
    // a watch after this answer sees the worker's next request for itself
    Atomics.store(control, C_WANT_THINK, this._serving && this._watch.spinning ? 0 : 1);
    Atomics.store(control, C_RESPONSE, seq);
    Atomics.notify(control, C_RESPONSE);
    this._answered++;
  }

  /** Wait until the worker's current data buffer has arrived. */
  private async _adoptDataBuffer(): Promise<void> {
    const gen = Atomics.load(this._control, C_DATA_GEN);
    if (gen === this._dataGen) {
      return;
    }
    if (!this._dataByGen.has(gen)) {
      await new Promise<void>((resolve) => this._dataWaiters.set(gen, resolve));
    }
    this._data = this._dataByGen.get(gen) as SharedArrayBuffer;
    for (const old of [...this._dataByGen.keys()].filter((g) => g <= gen)) {
      this._dataByGen.delete(old);
      this._dataWaiters.delete(old);
    }
    this._dataGen = gen;
  }

  /**
   * Hand a kernel message to worker Python now, not after the running cell:
   * during the cell's next wait (see `IKernelEvent`), or once it is idle.
   */
  queueKernelMessage(message: IKernelEvent['kernel']): void {
    this._queue.queueKernelMessage(message);
  }

  /** Whether events wait for the worker (later kernel messages must queue behind them). */
  get hasQueuedEvents(): boolean {
    return this._queue.length > 0;
  }

  /** Forget page functions of callbacks the worker released. */
  forgetCallbacks(ids: number[]): void {
    this._queue.forget(ids);
  }

  /** A new event waits: into the worker's page wait, or tell a sleeping or idle worker. */
  private _deliver(): void {
    const frame = this._frames.at(-1);
    if (frame) {
      this._pump(frame);
    } else {
      this._signalEvents();
    }
  }

  /**
   * Tell a worker in no page wait that events are queued: the word a
   * `time.sleep` checks (and a wake-up), and a poke for an idle worker.
   */
  private _signalEvents(): void {
    Atomics.store(this._control, C_EVENTS, 1);
    Atomics.add(this._control, C_WAKE, 1);
    Atomics.notify(this._control, C_WAKE);
    if (!this._poked) {
      this._poked = true;
      this._port.postMessage({ _jwPoll: 1 } satisfies IPortMessage);
    }
  }

  /** The queued events, for a worker that was poked or sleeps (`take`). */
  private _take(): ChannelEvent[] {
    this._poked = false;
    Atomics.store(this._control, C_EVENTS, 0);
    return this._queue.takeAll();
  }

  private readonly _control: Int32Array;
  private readonly _interrupt: SharedArrayBuffer;
  private _data: SharedArrayBuffer;
  private _dataGen = 0;
  private readonly _dataByGen = new Map<number, SharedArrayBuffer>();
  private readonly _dataWaiters = new Map<number, () => void>();
  private readonly _mode: NotifyMode;
  private readonly _port: MessagePort;
  private readonly _workerPort: MessagePort;
  private readonly _ops: Operations;
  private readonly _frames: IFrame[] = [];
  private readonly _queue: CallbackQueue;
  private _poked = false;
  private _lastRequest = 0;
  private _serving = false;
  /** Whether the page watched after its last answer (`_judgeWatch`). */
  private _roundWatched = false;
  private readonly _watch = new SpinBudget(BURST_WATCH_MS);
  private _answered = 0;
  /** Requests a watch after an answer found, and requests the page was woken for. */
  private _watched = 0;
  private _woken = 0;
  private _disposed = false;
}
