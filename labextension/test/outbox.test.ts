/**
 * The worker's outbox coalesces stream text and keeps message order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KernelMessage } from '../src/worker/outbox';
import { FLUSH_BYTES, FLUSH_MS, Outbox } from '../src/worker/outbox';

function stream(text: string, name = 'stdout', msgId = 'a'): KernelMessage {
  return { type: 'stream', bundle: { name, text }, parentHeader: { msg_id: msgId } };
}

function texts(posted: KernelMessage[]): string[] {
  return posted.map((m) =>
    m.type === 'stream' ? `${(m.bundle as { text: string }).text}` : `<${m.type}>`,
  );
}

test('prints within the flush interval become one message', () => {
  const posted: KernelMessage[] = [];
  const outbox = new Outbox((m) => posted.push(m));
  for (let i = 0; i < 1000; i++) {
    outbox.send(stream(`${i}\n`));
  }
  outbox.flush();
  // one message per print without coalescing; one or two (a slow machine) with it
  assert.ok(posted.length >= 1 && posted.length <= 2, `${posted.length} messages`);
  const all = texts(posted).join('');
  assert.equal(all.split('\n').length, 1001);
  assert.ok(all.endsWith('999\n'));
});

test('another message first posts the held text: order is kept', () => {
  const posted: KernelMessage[] = [];
  const outbox = new Outbox((m) => posted.push(m));
  outbox.send(stream('before\n'));
  outbox.send({ type: 'display_data', bundle: {} });
  outbox.send(stream('after\n'));
  outbox.flush();
  assert.deepEqual(texts(posted), ['before\n', '<display_data>', 'after\n']);
});

test('stderr and another cell are never merged into stdout', () => {
  const posted: KernelMessage[] = [];
  const outbox = new Outbox((m) => posted.push(m));
  outbox.send(stream('out\n'));
  outbox.send(stream('err\n', 'stderr'));
  outbox.send(stream('next cell\n', 'stderr', 'b'));
  outbox.flush();
  assert.deepEqual(texts(posted), ['out\n', 'err\n', 'next cell\n']);
});

test('a large amount of text is posted at once, without waiting', () => {
  const posted: KernelMessage[] = [];
  const outbox = new Outbox((m) => posted.push(m));
  outbox.send(stream('x'.repeat(FLUSH_BYTES)));
  assert.equal(posted.length, 1);
});

test('a busy writer posts once the interval has passed', () => {
  const posted: KernelMessage[] = [];
  const outbox = new Outbox((m) => posted.push(m));
  outbox.send(stream('first\n'));
  const start = performance.now();
  while (performance.now() - start < FLUSH_MS + 5) {
    // a busy worker: no timer can run
  }
  outbox.send(stream('second\n'));
  assert.deepEqual(texts(posted), ['first\nsecond\n']);
});

test('an idle worker posts held text from its timer', async () => {
  const posted: KernelMessage[] = [];
  const outbox = new Outbox((m) => posted.push(m));
  outbox.send(stream('late\n'));
  assert.equal(posted.length, 0);
  await new Promise((resolve) => setTimeout(resolve, FLUSH_MS * 3));
  assert.deepEqual(texts(posted), ['late\n']);
});

test('the more a cell printed, the longer its text waits (bounded)', () => {
  const posted: KernelMessage[] = [];
  const outbox = new Outbox((m) => posted.push(m));
  outbox.send(stream('x'.repeat(FLUSH_BYTES)));
  assert.equal(posted.length, 1);
  outbox.send(stream('held\n'));
  const start = performance.now();
  while (performance.now() - start < FLUSH_MS * 2) {
    // past the first interval, short of the one a large output earns
  }
  outbox.send(stream('still held\n'));
  assert.equal(posted.length, 1);
  // another cell starts afresh
  outbox.send(stream('new cell\n', 'stdout', 'b'));
  assert.deepEqual(texts(posted).slice(1), ['held\nstill held\n']);
  const again = performance.now();
  while (performance.now() - again < FLUSH_MS + 5) {
    // the new cell's first interval
  }
  outbox.send(stream('more\n', 'stdout', 'b'));
  assert.deepEqual(texts(posted).slice(2), ['new cell\nmore\n']);
});
