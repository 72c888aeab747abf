/**
 * A side spins while spinning mostly pays, and stops while it mostly does not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SpinBudget, clockMsBetween } from '../src/channel/spin';

test('quick answers keep the full spin, a few slow ones do not stop it', () => {
  const spin = new SpinBudget(0.1);
  assert.equal(spin.ms, 0.1);
  for (let i = 0; i < 100; i++) {
    spin.recordElapsed(i % 10 === 0 ? 5 : 0.004);
  }
  assert.equal(spin.ms, 0.1);
});

test('a run of slow answers stops spinning; quick ones start it again', () => {
  const spin = new SpinBudget(0.1);
  let waits = 0;
  while (spin.ms > 0) {
    spin.recordElapsed(1);
    waits += 1;
  }
  assert.ok(waits > 2 && waits < 10, `stopped after ${waits} slow waits`);
  for (let i = 0; i < 30; i++) {
    // quick ones among slow ones (answered while asleep, but within a spin): no flapping
    spin.recordElapsed(i % 3 === 2 ? 1 : 0.02);
  }
  assert.equal(spin.ms, 0);
  waits = 0;
  while (spin.ms === 0) {
    spin.recordElapsed(0.02);
    waits += 1;
  }
  // a run of quick ones: a loop of calls has begun, spinning pays at once
  assert.equal(waits, 4);
  waits = 0;
  while (spin.ms > 0) {
    spin.recordElapsed(1);
    waits += 1;
  }
  assert.ok(waits >= 3, `stopped again after ${waits} slow waits`);
});

test('a hit or a miss counts as a time within or past the spin', () => {
  const spin = new SpinBudget(0.1);
  assert.equal(spin.spinning, true);
  while (spin.spinning) {
    spin.record(false);
  }
  assert.equal(spin.ms, 0);
  while (!spin.spinning) {
    spin.record(true);
  }
  assert.equal(spin.ms, 0.1);
});

test('spans between clock readings wrap, and are never negative', () => {
  assert.equal(clockMsBetween(1000, 3500), 2.5);
  assert.equal(clockMsBetween(2 ** 31 - 500, 1500), 2); // the clock wrapped
  assert.equal(clockMsBetween(3500, 1000), 0); // the other thread's clock is a bit behind
  assert.equal(clockMsBetween(1000, 2 ** 31 - 500), 0); // behind, across the wrap
});
