/**
 * Pyodide's interrupt buffer, read by CPython without losing a signal.
 *
 * CPython checks for a signal every 50 bytecodes
 * (`_Py_CheckEmscriptenSignals_Helper`, `Python/emscripten_signal.c`): it
 * reads `Module.Py_EmscriptenSignalBuffer[0]`, then writes 0 there, in two
 * plain steps. A SIGINT the page stores between the two is overwritten and
 * lost: about 1 interrupt in 50 of a plain `while True: pass` loop, which
 * runs that check millions of times a second.
 *
 * So CPython never touches the buffer the page writes. `Signals` makes
 * `Py_EmscriptenSignalBuffer` a getter: it takes a signal off the page's
 * buffer with one atomic exchange into a slot only this thread sees, and
 * hands CPython either a zero it may overwrite freely (no signal: a plain
 * typed array, as fast as before) or a view of that slot, which a write of 0
 * clears only once CPython has read the signal from it.
 */

/** Pyodide's API as `Signals` uses it. */
export interface IInterruptible {
  setInterruptBuffer(buffer: Uint8Array): void;
  /** Emscripten's module (private API; CPython reads the buffer from it). */
  _module: object;
}

/** The signals the page sends this worker (SIGINT for an interrupt). */
export class Signals {
  /** @param shared - the page's one-byte buffer (it stores a signal number there). */
  constructor(shared: Uint8Array) {
    this._shared = shared;
    const taken = Object.defineProperty({}, 0, {
      get: (): number => {
        this._read = true;
        return this._taken;
      },
      set: (value: number): void => {
        if (value !== 0) {
          this._taken = value;
        } else if (this._read) {
          this._take();
        }
      },
    });
    this._view = taken as Uint8Array;
  }

  /** Whether a signal waits (on the page's buffer or taken for CPython, unread). */
  get pending(): boolean {
    return this._taken !== 0 || Atomics.load(this._shared, 0) !== 0;
  }

  /** Take the waiting signal, if any (0 if none): CPython will not see it. */
  take(): number {
    const taken = this._take();
    const sent = Atomics.exchange(this._shared, 0, 0);
    return taken || sent;
  }

  /** Put `signal` back: CPython takes it at a later bytecode. */
  put(signal: number): void {
    Atomics.store(this._shared, 0, signal);
  }

  /**
   * Turn on Pyodide's signal handling with CPython reading through this
   * object (`Module.Py_EmscriptenSignalBuffer` becomes a getter).
   */
  install(pyodide: IInterruptible): void {
    pyodide.setInterruptBuffer(this._shared);
    Object.defineProperty(pyodide._module, 'Py_EmscriptenSignalBuffer', {
      configurable: true,
      get: (): Uint8Array => this._forCPython(),
    });
  }

  /** What CPython reads (and then clears) at a signal check. */
  private _forCPython(): Uint8Array {
    if (this._taken === 0) {
      if (this._shared[0] === 0) {
        return this._zero;
      }
      this._taken = Atomics.exchange(this._shared, 0, 0);
      this._read = false;
      if (this._taken === 0) {
        return this._zero;
      }
    }
    return this._view;
  }

  private _take(): number {
    const signal = this._taken;
    this._taken = 0;
    this._read = false;
    return signal;
  }

  private readonly _shared: Uint8Array;
  /** No signal: CPython reads 0 here and writes 0 back, harmlessly. */
  private readonly _zero = new Uint8Array(1);
  /** The taken signal, as CPython reads and clears it (`_taken`, `_read`). */
  private readonly _view: Uint8Array;
  /** A signal taken off the page's buffer that CPython has not cleared yet. */
  private _taken = 0;
  /** Whether CPython has read `_taken` since it was taken (a write of 0 clears it then). */
  private _read = false;
}
