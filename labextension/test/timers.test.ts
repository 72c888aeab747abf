/**
 * Page timeouts longer than `setTimeout` counts are no timers, not instant ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MagicUsageError, parseCellLine } from '../src/magic/options';
import { MAX_TIMER_MS, timerDelay } from '../src/timers';

test('a delay a timer can count is kept in milliseconds', () => {
  assert.equal(timerDelay(2.5), 2500);
  assert.equal(timerDelay(0), 0);
  assert.equal(timerDelay(MAX_TIMER_MS / 1000), MAX_TIMER_MS);
});

test('an infinite or too long timeout is no timer', () => {
  assert.equal(timerDelay(Infinity), undefined);
  assert.equal(timerDelay(3_000_000), undefined);
});

test('--timeout longer than a timer can count is a usage error', () => {
  assert.equal(parseCellLine('--timeout 2147483').timeout, 2147483);
  assert.throws(() => parseCellLine('--timeout 3000000'), MagicUsageError);
  assert.throws(() => parseCellLine('--timeout 3000000'), /at most 2147483 seconds/);
});
