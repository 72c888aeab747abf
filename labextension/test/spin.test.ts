/**
 * The spin budget shrinks when spinning does not pay and grows back when it would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SpinBudget } from '../src/channel/spin';

test('missed spins halve the budget down to none', () => {
  const spin = new SpinBudget(0.1, 0.01);
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    seen.push(spin.ms);
    spin.missed();
  }
  assert.deepEqual(seen, [0.1, 0.05, 0.025, 0.0125, 0, 0]);
});

test('an answer soon after a sleep grows the budget back, step by step', () => {
  const spin = new SpinBudget(0.1, 0.01);
  for (let i = 0; i < 5; i++) {
    spin.missed();
  }
  assert.equal(spin.ms, 0);
  spin.late(0.2); // slower than any spin: spinning would not have helped
  assert.equal(spin.ms, 0);
  spin.late(0.02);
  assert.equal(spin.ms, 0.01);
  spin.late(0.02);
  assert.equal(spin.ms, 0.02);
  for (let i = 0; i < 10; i++) {
    spin.late(0.02);
  }
  assert.equal(spin.ms, 0.1);
});
