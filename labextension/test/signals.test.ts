/**
 * No interrupt is lost to CPython's two-step read and clear of Pyodide's
 * interrupt buffer (`worker/signals.ts`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Signals } from '../src/worker/signals';

const SIGINT = 2;

interface IFakePyodide {
  _module: { Py_EmscriptenSignalBuffer?: ArrayLike<number> & { [index: number]: number } };
  setInterruptBuffer(buffer: Uint8Array): void;
}

function fakePyodide(): IFakePyodide {
  return {
    _module: {},
    setInterruptBuffer(buffer: Uint8Array): void {
      this._module.Py_EmscriptenSignalBuffer = buffer;
    },
  };
}

/**
 * CPython's check (`_Py_CheckEmscriptenSignals_Helper`): three reads of the
 * buffer property; `page(step)` runs before each step (0: first read, 1: the
 * signal read, 2: the clear, 3: after), as another thread could.
 */
function check(pyodide: IFakePyodide, page: (step: number) => void = () => undefined): number {
  const module = pyodide._module;
  page(0);
  if (!module.Py_EmscriptenSignalBuffer) {
    return 0;
  }
  page(1);
  const result = module.Py_EmscriptenSignalBuffer[0];
  page(2);
  module.Py_EmscriptenSignalBuffer[0] = 0;
  page(3);
  return result;
}

function setUp(): { pyodide: IFakePyodide; shared: Uint8Array; signals: Signals } {
  const shared = new Uint8Array(new SharedArrayBuffer(1));
  const signals = new Signals(shared);
  const pyodide = fakePyodide();
  signals.install(pyodide);
  return { pyodide, shared, signals };
}

test("CPython's own check loses a signal stored between its read and its clear", () => {
  const shared = new Uint8Array(new SharedArrayBuffer(1));
  const pyodide = fakePyodide();
  pyodide.setInterruptBuffer(shared);
  const storeAt2 = (step: number): void => {
    if (step === 2) {
      Atomics.store(shared, 0, SIGINT);
    }
  };
  assert.equal(check(pyodide, storeAt2), 0);
  assert.equal(check(pyodide), 0); // gone: the interrupt never raises
});

test('a signal stored at any point of a check is read by CPython exactly once', () => {
  for (let at = 0; at <= 3; at++) {
    const { pyodide, shared } = setUp();
    let stored = false;
    const page = (step: number): void => {
      if (step === at && !stored) {
        stored = true;
        Atomics.store(shared, 0, SIGINT);
      }
    };
    const reads = [check(pyodide, page), check(pyodide), check(pyodide), check(pyodide)];
    assert.deepEqual(
      reads.filter((signal) => signal === SIGINT),
      [SIGINT],
      `stored before step ${at}: ${reads}`,
    );
    assert.equal(reads.filter((signal) => signal !== SIGINT && signal !== 0).length, 0);
  }
});

test('with no signal CPython reads 0 and its clear changes nothing', () => {
  const { pyodide, signals } = setUp();
  for (let i = 0; i < 3; i++) {
    assert.equal(check(pyodide), 0);
  }
  assert.equal(signals.pending, false);
});

test('a read without a clear (checkInterrupt off the GIL) keeps the signal for CPython', () => {
  const { pyodide, shared } = setUp();
  Atomics.store(shared, 0, SIGINT);
  assert.equal(pyodide._module.Py_EmscriptenSignalBuffer?.[0], SIGINT);
  assert.equal(check(pyodide), SIGINT);
  assert.equal(check(pyodide), 0);
});

test('take() clears a signal wherever it waits; put() hands one back', () => {
  const { pyodide, shared, signals } = setUp();
  // stored during a check's clear: taken off the page's buffer, not read yet
  const storeAt2 = (step: number): void => {
    if (step === 2) {
      Atomics.store(shared, 0, SIGINT);
    }
  };
  assert.equal(check(pyodide, storeAt2), 0);
  assert.equal(shared[0], 0);
  assert.equal(signals.pending, true);
  assert.equal(signals.take(), SIGINT);
  assert.equal(signals.pending, false);
  assert.equal(check(pyodide), 0);
  // on the page's buffer
  Atomics.store(shared, 0, SIGINT);
  assert.equal(signals.take(), SIGINT);
  assert.equal(check(pyodide), 0);
  signals.put(SIGINT);
  assert.equal(signals.pending, true);
  assert.equal(check(pyodide), SIGINT);
  assert.equal(signals.pending, false);
});
