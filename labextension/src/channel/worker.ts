/**
 * The worker side of the synchronous channel: write a request, block until
 * the page answers.
 *
 * The wait is `Atomics.wait` in bounded slices (`WAIT_SLICE_MS`): the worker
 * sleeps (no CPU). An interrupt ends the wait with an `R_INTERRUPT` answer
 * from the page (which drops the pending operation). Page events
 * for Python callbacks can arrive as answers while it waits; they run right
 * there, then the wait goes on (`cbdone`).
 */
import { readMessage, readNumber, readString, writeMessage } from './codec';
import { Signals } from '../worker/signals';
import { createDataBuffer } from './buffers';
import { SpinBudget, clockMsBetween, clockUs } from './spin';
import type { IChannelOptions, IPortMessage } from '../protocol';
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
  DATA_INITIAL_BYTES,
  DATA_SHRINK_AFTER,
  DATA_SHRINK_ABOVE,
  OP_GET,
  OP_GET_ITEM,
  OP_MESSAGE,
  R_CALLBACK,
  R_ERROR,
  R_FALSE,
  R_INTERRUPT,
  R_NUMBER,
  R_OK,
  R_REF,
  R_STRING,
  R_TRUE,
  R_UNDEFINED,
  SIGINT,
  WAIT_SLICE_MS,
} from '../protocol';

/** An answer as the worker reads it. */
export interface IAnswer {
  kind: number;
  /** The JSON text (`R_OK`, `R_ERROR`, `R_CALLBACK`), else ''. */
  json: string;
  binary: Uint8Array | null;
  /** The result of an answer without JSON (`R_STRING` to `R_UNDEFINED`). */
  value?: string | number | boolean;
  /** `R_REF`: the heap id of the page object. */
  ref?: number;
}

/** Whether the page's operation succeeded: a result, JSON or not. */
export function isResult(answer: IAnswer): boolean {
  return answer.kind === R_OK || answer.kind >= R_STRING;
}

/** The result of a successful answer (`isResult`). */
export function resultOf(answer: IAnswer): unknown {
  return answer.json ? (JSON.parse(answer.json) as { v: unknown }).v : answer.value;
}

/** Keys numbered for `OP_GET` at most (past these, a `get` names its key in JSON). */
const NUMBERED_KEYS_MAX = 4096;

/**
 * How long the worker spins before sleeping (while that pays, `SpinBudget`).
 * Most answers come within tens of microseconds, and waking a sleeping thread
 * costs about that much again; past this the worker sleeps (no CPU) in
 * `WAIT_SLICE_MS` slices.
 */
const SPIN_MS = 0.1;

/**
 * Polls of a spin before the first clock read: most answers come within
 * these (a few µs), and a clock read costs as much as a dozen polls.
 *
 * A poll is a bare `Atomics.load`, without `Atomics.pause`: on this project's
 * 2-vCPU virtual machines a round trip took 3-16 µs with a pause in the loop
 * and 0.8 µs without (likely pause-loop exiting: the hypervisor takes the
 * core from a guest that pauses in a tight loop).
 */
const UNTIMED_POLLS = 256;

/** Past those, the clock is read once every this many polls. */
const POLLS_PER_CLOCK = 16;

/** Think times above this are written as this (µs; an Int32 word). */
const THINK_MAX_US = 1_000_000;

/** The worker end of one channel. */
export class WorkerChannel {
  constructor(options: IChannelOptions) {
    this._control = new Int32Array(options.control);
    this._data = options.data;
    this.signals = new Signals(new Uint8Array(options.interrupt));
    this._mode = options.mode;
    this._port = options.port;
    this._port.onmessage = (event: MessageEvent<IPortMessage>) => {
      if (event.data._jwPoll) {
        this._runQueued();
      }
    };
  }

  /** The signals the page sends (SIGINT into Pyodide's interrupt buffer). */
  readonly signals: Signals;

  /** Runs a page event for a Python callback (set by the Python side). */
  onCallback: (json: string) => void = () => undefined;

  /**
   * Called once whenever the worker is about to sleep (an answer is slow in
   * coming, or `sleep`): post what the page should see before a long wait.
   */
  onBlock: () => void = () => undefined;

  /** Send a request and block until its answer; runs callback events meanwhile. */
  request(json: string, segments: readonly Uint8Array[] = []): IAnswer {
    return this._answer(this._send(json, segments));
  }

  /**
   * `object[key]` of page object `id`, the commonest request: without JSON
   * once the key has a number (the first `get` of a key gives it one).
   */
  get(id: number, key: string | number): IAnswer {
    const control = this._control;
    let arg: number | undefined;
    let op = OP_GET_ITEM;
    if (typeof key === 'number') {
      arg = (key | 0) === key ? key : undefined;
    } else {
      op = OP_GET;
      arg = this._keys.get(key);
      if (arg === undefined && this._keys.size < NUMBERED_KEYS_MAX) {
        const k = this._keys.size;
        this._keys.set(key, k);
        return this.request(JSON.stringify({ op: 'get', id, key, k }));
      }
    }
    if (arg === undefined) {
      return this.request(JSON.stringify({ op: 'get', id, key }));
    }
    Atomics.store(control, C_OP, op);
    Atomics.store(control, C_ARG0, id);
    Atomics.store(control, C_ARG1, arg);
    return this._answer(this._publish());
  }

  /** Block until the answer to request `seq`; runs callback events meanwhile. */
  private _answer(seq: number): IAnswer {
    const control = this._control;
    for (;;) {
      this._wait(seq);
      const kind = Atomics.load(control, C_KIND);
      const length = Atomics.load(control, C_LENGTH);
      let answer: IAnswer;
      switch (kind) {
        case R_STRING:
          answer = { kind, json: '', binary: null, value: readString(this._data, length) };
          break;
        case R_NUMBER:
          answer = { kind, json: '', binary: null, value: readNumber(this._data) };
          break;
        case R_TRUE:
        case R_FALSE:
          answer = { kind, json: '', binary: null, value: kind === R_TRUE };
          break;
        case R_UNDEFINED:
        case R_INTERRUPT:
          answer = { kind, json: '', binary: null };
          break;
        case R_REF:
          answer = { kind, ...readMessage(this._data, length), ref: Atomics.load(control, C_REF) };
          break;
        default:
          answer = { kind, ...readMessage(this._data, length) };
      }
      if (length > DATA_SHRINK_ABOVE) {
        this._smallSince = 0;
      }
      this._maybeShrink(false);
      if (kind === R_INTERRUPT) {
        // Python raises KeyboardInterrupt itself: keep Pyodide from raising a second one
        this.signals.take();
      }
      if (kind !== R_CALLBACK) {
        return answer;
      }
      try {
        this.onCallback(answer.json);
      } catch (error) {
        // the exception (an interrupt) leaves this wait too: the page drops it
        this._answer(this._send('{"op":"cbabort"}', []));
        throw error;
      }
      seq = this._send('{"op":"cbdone"}', []);
    }
  }

  /** The worker is idle or sleeps: fetch the queued events and run them. */
  private _runQueued(): void {
    const answer = this.request('{"op":"take"}');
    if (answer.kind === R_ERROR) {
      throw new Error(`jupyter-worker: the page did not hand over callback calls: ${answer.json}`);
    }
    const events = resultOf(answer) as unknown[];
    for (const event of events) {
      this.onCallback(JSON.stringify(event));
    }
  }

  private _send(json: string, segments: readonly Uint8Array[]): number {
    const length = writeMessage(this._data, json, segments);
    if (length > DATA_SHRINK_ABOVE) {
      this._smallSince = 0;
    }
    Atomics.store(this._control, C_LENGTH, length);
    Atomics.store(this._control, C_OP, OP_MESSAGE);
    return this._publish();
  }

  /** Publish the request written in the data buffer; returns its number. */
  private _publish(): number {
    const control = this._control;
    let think = -1;
    if (this._answerSeenAt !== null) {
      think = Math.min(clockMsBetween(this._answerSeenAt, clockUs()) * 1000, THINK_MAX_US);
      this._answerSeenAt = null;
    }
    Atomics.store(control, C_THINK_US, think);
    this._timed = !this._spin.spinning;
    if (this._timed) {
      this._sentAt = clockUs();
    }
    Atomics.store(control, C_TIMED, this._timed ? 1 : 0);
    const seq = ++this._seq;
    Atomics.store(control, C_REQUEST, seq);
    // (a page that stops watching clears the word, then looks once more)
    if (Atomics.load(control, C_WATCHING) === 1) {
      return seq;
    }
    if (this._mode === 'waitAsync') {
      Atomics.notify(control, C_REQUEST);
    } else {
      this._port.postMessage({ _jwRequest: seq } satisfies IPortMessage);
    }
    return seq;
  }

  /**
   * Wait for answer `seq`: spin about `SPIN_MS` first while that pays, then
   * sleep in `WAIT_SLICE_MS` slices. Judges the page's speed for the spin
   * budget (see `spin.ts`), and notes when the worker saw the answer if the
   * page will want its think time.
   */
  private _wait(seq: number): void {
    const control = this._control;
    const spin = this._spin;
    if (!this._timed) {
      const hit = this._spinFor(seq);
      spin.record(hit);
      if (hit) {
        this._caught++;
        if (Atomics.load(control, C_WANT_THINK) === 1) {
          this._answerSeenAt = clockUs();
        }
        return;
      }
    }
    this.onBlock();
    for (;;) {
      const seen = Atomics.load(control, C_RESPONSE);
      if (seen === seq) {
        break;
      }
      Atomics.wait(control, C_RESPONSE, seen, WAIT_SLICE_MS);
    }
    // it slept: its wake-up must count neither for the page nor against it
    this._slept++;
    this._answerSeenAt = clockUs();
    if (this._timed) {
      spin.recordElapsed(clockMsBetween(this._sentAt, Atomics.load(control, C_ANSWERED_AT)));
    }
  }

  /** Poll for answer `seq` for about `SPIN_MS`; whether it came. */
  private _spinFor(seq: number): boolean {
    const control = this._control;
    for (let i = 0; i < UNTIMED_POLLS; i++) {
      if (Atomics.load(control, C_RESPONSE) === seq) {
        return true;
      }
    }
    const end = performance.now() + SPIN_MS;
    do {
      for (let i = 0; i < POLLS_PER_CLOCK; i++) {
        if (Atomics.load(control, C_RESPONSE) === seq) {
          return true;
        }
      }
    } while (performance.now() < end);
    return false;
  }

  /**
   * Put an interrupt Python could not raise where it landed (a finalizer)
   * back into Pyodide's buffer: Pyodide takes it again at a later bytecode.
   */
  interruptAgain(): void {
    this.signals.put(SIGINT);
  }

  /** Tell the page that an interrupt became a KeyboardInterrupt (it was not lost). */
  interruptRaised(): void {
    Atomics.add(this._control, C_RAISED, 1);
  }

  /** Answers this worker's spin caught, and answers it slept for (`stats()`). */
  waitFigures(): { caught: number; slept: number } {
    return { caught: this._caught, slept: this._slept };
  }

  /** An interrupt ended an `input()` wait (`worker/remote.ts`); Python raises for it. */
  inputInterrupted(): void {
    this._inputInterrupted = true;
  }

  /** Whether an interrupt ended the last `input()` wait; forgets it. */
  takeInputInterrupt(): boolean {
    const was = this._inputInterrupted;
    this._inputInterrupted = false;
    return was;
  }

  /** Tell the page whether a cell's own code runs (interrupts wait for it). */
  setInCell(running: boolean): void {
    Atomics.store(this._control, C_IN_CELL, running ? 1 : 0);
    if (!running) {
      this._maybeShrink(true);
    }
  }

  /**
   * Sleep `seconds` without using the CPU (`Atomics.wait` on `C_WAKE`, in
   * slices); return at once when the page interrupts.
   *
   * @returns whether the page interrupted: the caller raises KeyboardInterrupt
   * right there (the interrupt is taken off Pyodide's buffer, else it would
   * raise a second one, or its first at some later bytecode).
   */
  sleep(seconds: number): boolean {
    const end = performance.now() + seconds * 1000;
    this.onBlock();
    for (;;) {
      const wake = Atomics.load(this._control, C_WAKE);
      if (this.signals.pending) {
        this.signals.take();
        this.interruptRaised();
        return true;
      }
      if (Atomics.load(this._control, C_EVENTS) === 1) {
        // callbacks and widget messages run while the cell sleeps
        this._runQueued();
        continue;
      }
      const left = end - performance.now();
      if (left <= 0) {
        return false;
      }
      Atomics.wait(this._control, C_WAKE, wake, Math.min(left, WAIT_SLICE_MS));
    }
  }

  /**
   * Hand the page a small buffer again once large messages stopped: after
   * `DATA_SHRINK_AFTER` small exchanges in a row, or when the cell ends (not
   * after each large one: a loop sending frames would allocate one each time).
   */
  private _maybeShrink(cellEnded: boolean): void {
    if (this._data.byteLength <= DATA_SHRINK_ABOVE) {
      return;
    }
    if (!cellEnded && ++this._smallSince < DATA_SHRINK_AFTER) {
      return;
    }
    this._data = createDataBuffer(DATA_INITIAL_BYTES);
    const gen = Atomics.load(this._control, C_DATA_GEN) + 1;
    this._port.postMessage({ _jwData: { buffer: this._data, gen } } satisfies IPortMessage);
    Atomics.store(this._control, C_DATA_GEN, gen);
  }

  private readonly _control: Int32Array;
  private _data: SharedArrayBuffer;
  private readonly _mode: IChannelOptions['mode'];
  private readonly _port: MessagePort;
  private readonly _spin = new SpinBudget(SPIN_MS);
  private _caught = 0;
  private _inputInterrupted = false;
  /** Exchanges since the last message larger than `DATA_SHRINK_ABOVE`. */
  private _smallSince = 0;
  private _slept = 0;
  /** Numbers of the keys `get` has named to the page. */
  private readonly _keys = new Map<string, number>();
  /** Whether the current request sleeps at once and asks the page for its answer time. */
  private _timed = false;
  private _sentAt = 0;
  /** When the worker saw its last answer, if the page wants its think time. */
  private _answerSeenAt: number | null = null;
  private _seq = 0;
}
