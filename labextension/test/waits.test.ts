/**
 * A page wait the worker gives up (an interrupt) leaves no listener or timer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ObjectHeap } from '../src/channel/heap';
import type { ICallbackHooks } from '../src/channel/ops';
import { AsyncOp, Operations } from '../src/channel/ops';

/** An EventTarget that counts its listeners. */
class CountingTarget extends EventTarget {
  listeners = 0;
  addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners++;
    super.addEventListener(...args);
  }
  removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

test('cancelling a wait_event removes its listener and its timer', async () => {
  const heap = new ObjectHeap();
  const ops = new Operations(heap, {} as ICallbackHooks, () => ({ data: 0, answered: 0 }));
  const target = new CountingTarget();
  const id = heap.ref(target).$ref;
  const op = ops.run({ op: 'wait_event', id, type: 'click', timeout: 0.05 }, null);
  assert.ok(op instanceof AsyncOp);
  assert.equal(target.listeners, 1);
  let settled = false;
  op.promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  op.cancel();
  assert.equal(target.listeners, 0);
  await new Promise((resolve) => setTimeout(resolve, 100));
  target.dispatchEvent(new Event('click'));
  await new Promise((resolve) => setTimeout(resolve, 0));
  // neither the timer nor the event settles a wait nobody waits for
  assert.equal(settled, false);
});
