/**
 * When the page starts its warm spare kernel worker, and which kernel takes
 * it (`src/kernel/spare.ts`), with stand-in workers and mocked timers.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';

import {
  SPARE_IDLE_MS,
  codeEnds,
  codeStarts,
  dropSpare,
  planSpare,
  startFirstSpare,
  takeSpare,
} from '../src/kernel/spare';
import type { KernelWorker } from '../src/kernel/started';

/** A started worker as the spare keeper sees it. */
interface IStandIn {
  failed: boolean;
  terminated: boolean;
  ready: Promise<void>;
  dispose(): void;
  worker: { terminate(): void };
}

let made: IStandIn[] = [];

function start(): KernelWorker {
  const standIn: IStandIn = {
    failed: false,
    terminated: false,
    ready: Promise.resolve(),
    dispose: () => undefined,
    worker: { terminate: () => (standIn.terminated = true) },
  };
  made.push(standIn);
  return standIn as unknown as KernelWorker;
}

beforeEach(() => {
  made = [];
  mock.timers.enable({ apis: ['setTimeout'] });
  mock.method(console, 'info', () => undefined);
});

afterEach(() => {
  dropSpare();
  takeSpare('none'); // (clears a plan)
  mock.timers.reset();
  mock.restoreAll();
});

test('the first worker starts ahead while no kernel has started', () => {
  startFirstSpare('a', start); // (first: the module remembers that a kernel started)
  assert.equal(made.length, 1);
  startFirstSpare('a', start); // one for these options is there: no other
  assert.equal(made.length, 1);
});

test('a spare starts once the kernels have run no code for a while', () => {
  planSpare('a', start);
  mock.timers.tick(SPARE_IDLE_MS - 1);
  assert.equal(made.length, 0);
  mock.timers.tick(1);
  assert.equal(made.length, 1);
  planSpare('a', start); // one for these options is there: no other
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(made.length, 1);
});

test('code that runs meanwhile puts the spare off until it ends', () => {
  planSpare('a', start);
  mock.timers.tick(SPARE_IDLE_MS - 1);
  codeStarts();
  mock.timers.tick(SPARE_IDLE_MS * 2);
  assert.equal(made.length, 0);
  codeEnds();
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(made.length, 1);
});

test('a kernel with the same options takes the spare; one with others drops it', () => {
  planSpare('a', start);
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(takeSpare('b'), null);
  assert.equal(made[0]?.terminated, true);
  planSpare('a', start);
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(takeSpare('a'), made[1]);
  assert.equal(takeSpare('a'), null); // taken: none is left
});

test('a failed spare is not taken', () => {
  planSpare('a', start);
  mock.timers.tick(SPARE_IDLE_MS);
  (made[0] as IStandIn).failed = true;
  assert.equal(takeSpare('a'), null);
  assert.equal(made[0]?.terminated, true);
});

test('a starting kernel puts a planned spare off', () => {
  planSpare('a', start);
  assert.equal(takeSpare('a'), null);
  mock.timers.tick(SPARE_IDLE_MS * 2);
  assert.equal(made.length, 0);
});

test('once a kernel has started, no first worker starts ahead', () => {
  // (the tests before this one made kernels take spares)
  startFirstSpare('a', start);
  assert.equal(made.length, 0);
});
