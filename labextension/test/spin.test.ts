/**
 * A side spins while spinning mostly pays, and stops while it mostly does not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SpinBudget } from '../src/channel/spin';

test('quick answers keep the full spin, a few slow ones do not stop it', () => {
  const spin = new SpinBudget(0.1);
  assert.equal(spin.ms, 0.1);
  for (let i = 0; i < 100; i++) {
    spin.record(i % 10 === 0 ? 5 : 0.004);
  }
  assert.equal(spin.ms, 0.1);
});

test('a run of slow answers stops spinning; quick ones start it again', () => {
  const spin = new SpinBudget(0.1);
  let waits = 0;
  while (spin.ms > 0) {
    spin.record(1);
    waits += 1;
  }
  assert.ok(waits > 2 && waits < 10, `stopped after ${waits} slow waits`);
  for (let i = 0; i < 5; i++) {
    spin.record(0.02); // answered while asleep, but within a spin: no flapping
  }
  assert.equal(spin.ms, 0);
  waits = 0;
  while (spin.ms === 0) {
    spin.record(0.02);
    waits += 1;
  }
  assert.ok(waits < 40, `started again after ${waits} quick waits`);
});
