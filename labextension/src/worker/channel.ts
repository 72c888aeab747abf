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
import type { IChannelOptions, IPortMessage } from '../tokens';
import { readMessage, writeMessage } from '../channel/codec';
import {
  C_DATA_GEN,
  C_IN_CELL,
  C_KIND,
  C_LENGTH,
  C_REQUEST,
  C_RESPONSE,
  C_ANSWERED_AT,
  C_RAISED,
  C_THINK_US,
  C_WAKE,
  DATA_INITIAL_BYTES,
  DATA_SHRINK_ABOVE,
  R_CALLBACK,
  R_INTERRUPT,
  WAIT_SLICE_MS,
  createDataBuffer,
} from '../channel/layout';
import { SpinBudget, clockMsBetween, clockUs } from '../channel/spin';

/** An answer as the worker reads it. */
export interface IAnswer {
  kind: number;
  json: string;
  binary: Uint8Array | null;
}

/**
 * How long the worker spins before sleeping (while that pays, `SpinBudget`).
 * Most answers come within tens of microseconds, and waking a sleeping thread
 * costs about that much again; past this the worker sleeps (no CPU) in
 * `WAIT_SLICE_MS` slices.
 */
const SPIN_MS = 0.1;

/** Think times above this are written as this (µs; an Int32 word). */
const THINK_MAX_US = 1_000_000;

const pause: () => void =
  typeof (Atomics as { pause?: () => void }).pause === 'function'
    ? (): void => (Atomics as unknown as { pause: () => void }).pause()
    : (): void => undefined;

/** The worker end of one channel. */
export class WorkerChannel {
  constructor(options: IChannelOptions) {
    this._control = new Int32Array(options.control);
    this._data = options.data;
    this.interruptBuffer = new Uint8Array(options.interrupt);
    this._mode = options.mode;
    this._port = options.port;
    this._port.onmessage = (event: MessageEvent<IPortMessage>) => {
      if (event.data._jwPoll) {
        this._runQueued();
      }
    };
  }

  /** Pyodide's interrupt buffer (the page writes SIGINT into it). */
  readonly interruptBuffer: Uint8Array;

  /** Runs a page event for a Python callback (set by the Python side). */
  onCallback: (json: string) => void = () => undefined;

  /**
   * Called once whenever the worker is about to sleep (an answer is slow in
   * coming, or `sleep`): post what the page should see before a long wait.
   */
  onBlock: () => void = () => undefined;

  /** Send a request and block until its answer; runs callback events meanwhile. */
  request(json: string, segments: readonly Uint8Array[] = []): IAnswer {
    let seq = this._send(json, segments);
    for (;;) {
      this._wait(seq);
      const answer = readMessage(this._data, Atomics.load(this._control, C_LENGTH));
      const kind = Atomics.load(this._control, C_KIND);
      this._maybeShrink();
      if (kind === R_INTERRUPT) {
        // Python raises KeyboardInterrupt itself: keep Pyodide from raising a second one
        Atomics.store(this.interruptBuffer, 0, 0);
      }
      if (kind !== R_CALLBACK) {
        return { kind, json: answer.json, binary: answer.binary };
      }
      try {
        this.onCallback(answer.json);
      } finally {
        seq = this._send('{"op":"cbdone"}', []);
      }
    }
  }

  /** The worker is idle: fetch the queued callback calls and run them. */
  private _runQueued(): void {
    const answer = this.request('{"op":"take"}');
    const events = (JSON.parse(answer.json) as { v: unknown[] }).v;
    for (const event of events) {
      this.onCallback(JSON.stringify(event));
    }
  }

  private _send(json: string, segments: readonly Uint8Array[]): number {
    const length = writeMessage(this._data, json, segments);
    Atomics.store(this._control, C_LENGTH, length);
    const seq = ++this._seq;
    this._sentAt = clockUs();
    const think = clockMsBetween(this._answerSeenAt, this._sentAt) * 1000;
    Atomics.store(this._control, C_THINK_US, Math.min(think, THINK_MAX_US));
    Atomics.store(this._control, C_REQUEST, seq);
    if (this._mode === 'waitAsync') {
      Atomics.notify(this._control, C_REQUEST);
    } else {
      this._port.postMessage({ _jwRequest: seq } satisfies IPortMessage);
    }
    return seq;
  }

  private _wait(seq: number): void {
    const control = this._control;
    const spin = this._spin;
    const start = performance.now();
    const spinMs = spin.ms;
    do {
      if (Atomics.load(control, C_RESPONSE) === seq) {
        this._answered();
        return;
      }
      pause();
    } while (performance.now() - start < spinMs);
    this.onBlock();
    for (;;) {
      const seen = Atomics.load(control, C_RESPONSE);
      if (seen === seq) {
        this._answered();
        return;
      }
      Atomics.wait(control, C_RESPONSE, seen, WAIT_SLICE_MS);
    }
  }

  /** How long the page took to answer (not counting this worker's wake-up). */
  private _answered(): void {
    const answeredAt = Atomics.load(this._control, C_ANSWERED_AT);
    this._spin.record(clockMsBetween(this._sentAt, answeredAt));
    this._answerSeenAt = clockUs();
  }

  /** Tell the page that an interrupt became a KeyboardInterrupt (it was not lost). */
  interruptRaised(): void {
    Atomics.add(this._control, C_RAISED, 1);
  }

  /** Tell the page whether a cell's own code runs (interrupts wait for it). */
  setInCell(running: boolean): void {
    Atomics.store(this._control, C_IN_CELL, running ? 1 : 0);
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
      if (Atomics.load(this.interruptBuffer, 0) !== 0) {
        Atomics.store(this.interruptBuffer, 0, 0);
        this.interruptRaised();
        return true;
      }
      const left = end - performance.now();
      if (left <= 0) {
        return false;
      }
      Atomics.wait(this._control, C_WAKE, wake, Math.min(left, WAIT_SLICE_MS));
    }
  }

  /** After a large message, hand the page a small buffer again. */
  private _maybeShrink(): void {
    if (this._data.byteLength <= DATA_SHRINK_ABOVE) {
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
  private _sentAt = 0;
  private _answerSeenAt = 0;
  private _seq = 0;
}
