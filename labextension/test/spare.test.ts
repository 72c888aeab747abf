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
  snapshotUsed,
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
  terminate(): void;
  remote: { startKind(): Promise<string> };
  /** Whether it was started to make a snapshot. */
  maker: boolean;
}

let made: IStandIn[] = [];

function standIn(maker: boolean, ready: Promise<void>): KernelWorker {
  const worker: IStandIn = {
    failed: false,
    terminated: false,
    ready,
    dispose: () => undefined,
    terminate: () => (worker.terminated = true),
    remote: { startKind: () => Promise.resolve(maker ? 'snapshot made' : 'fresh') },
    maker,
  };
  made.push(worker);
  return worker as unknown as KernelWorker;
}

function start(): KernelWorker {
  return standIn(false, Promise.resolve());
}

/** Settles the snapshot maker's start (`makeSnapshot`), when it is started. */
let makerDone: () => void = () => undefined;

function makeSnapshot(): KernelWorker {
  return standIn(true, new Promise<void>((resolve) => (makerDone = resolve)));
}

const spareOnly = { spare: start, snapshot: null };
const both = { spare: start, snapshot: makeSnapshot };

/** Let promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
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
  planSpare('a', spareOnly);
  mock.timers.tick(SPARE_IDLE_MS - 1);
  assert.equal(made.length, 0);
  mock.timers.tick(1);
  assert.equal(made.length, 1);
  planSpare('a', spareOnly); // one for these options is there: no other
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(made.length, 1);
});

test('code that runs meanwhile puts the spare off until it ends', () => {
  planSpare('a', spareOnly);
  mock.timers.tick(SPARE_IDLE_MS - 1);
  codeStarts();
  mock.timers.tick(SPARE_IDLE_MS * 2);
  assert.equal(made.length, 0);
  codeEnds();
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(made.length, 1);
});

test('a kernel with the same options takes the spare; one with others drops it', () => {
  planSpare('a', spareOnly);
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(takeSpare('b'), null);
  assert.equal(made[0]?.terminated, true);
  planSpare('a', spareOnly);
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(takeSpare('a'), made[1]);
  assert.equal(takeSpare('a'), null); // taken: none is left
});

test('a failed spare is not taken', () => {
  planSpare('a', spareOnly);
  mock.timers.tick(SPARE_IDLE_MS);
  (made[0] as IStandIn).failed = true;
  assert.equal(takeSpare('a'), null);
  assert.equal(made[0]?.terminated, true);
});

test('a starting kernel puts a planned spare off', () => {
  planSpare('a', spareOnly);
  assert.equal(takeSpare('a'), null);
  mock.timers.tick(SPARE_IDLE_MS * 2);
  assert.equal(made.length, 0);
});

test('once a kernel has started, no first worker starts ahead', () => {
  // (the tests before this one made kernels take spares)
  startFirstSpare('a', start);
  assert.equal(made.length, 0);
});

test('the idle time first makes the snapshot, then starts the spare', async () => {
  planSpare('s1', both);
  mock.timers.tick(SPARE_IDLE_MS);
  assert.deepEqual(
    made.map((worker) => worker.maker),
    [true],
  );
  makerDone();
  await settle();
  assert.ok(made[0].terminated); // the maker stops once it has stored the snapshot
  assert.deepEqual(
    made.map((worker) => worker.maker),
    [true, false],
  );
  planSpare('s1', both); // made in this page, and the spare is there: nothing more
  mock.timers.tick(SPARE_IDLE_MS);
  assert.equal(made.length, 2);
});

test('code that runs while the snapshot is made does not stop it; the spare waits for its end', async () => {
  planSpare('s2', both);
  mock.timers.tick(SPARE_IDLE_MS);
  codeStarts();
  makerDone();
  await settle();
  assert.ok(made[0].terminated); // done
  assert.equal(made.length, 1); // no spare while the code runs
  codeEnds();
  mock.timers.tick(SPARE_IDLE_MS);
  assert.deepEqual(
    made.map((worker) => worker.maker),
    [true, false],
  );
});

test('a kernel that started from the snapshot spares the page making it', () => {
  snapshotUsed('s3');
  planSpare('s3', both);
  mock.timers.tick(SPARE_IDLE_MS);
  assert.deepEqual(
    made.map((worker) => worker.maker),
    [false],
  );
});
