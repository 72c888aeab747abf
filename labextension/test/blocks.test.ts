/**
 * Stream text is cut into blocks at line ends; sealed blocks survive appends
 * and changes after them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BLOCK_LINES, commonPrefixLength, keptBlocks, splitBlocks } from '../src/stream/blocks';

function lines(from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) {
    text += `${i}\n`;
  }
  return text;
}

test('blocks cover the text, end at line ends, hold at most BLOCK_LINES lines', () => {
  const text = lines(0, 2 * BLOCK_LINES + 10) + 'partial';
  const blocks = splitBlocks(text, 0);
  assert.equal(blocks.length, 3);
  assert.equal(blocks[0].start, 0);
  assert.equal(blocks.at(-1)?.end, text.length);
  for (let i = 1; i < blocks.length; i++) {
    assert.equal(blocks[i].start, blocks[i - 1].end);
  }
  assert.deepEqual(
    blocks.map((b) => b.sealed),
    [true, true, false],
  );
  for (const block of blocks.slice(0, 2)) {
    const slice = text.slice(block.start, block.end);
    assert.ok(slice.endsWith('\n'));
    assert.equal(slice.split('\n').length - 1, BLOCK_LINES);
  }
});

test('a block is sealed early at a line end when it grows long', () => {
  const line = 'x'.repeat(99) + '\n';
  const blocks = splitBlocks(line.repeat(50), 0, 1000, 1000);
  assert.equal(blocks[0].end, 1000);
  assert.ok(blocks[0].sealed);
  // one long line cannot be cut
  assert.deepEqual(splitBlocks('y'.repeat(5000), 0, 1000, 1000), [
    { start: 0, end: 5000, sealed: false },
  ]);
});

test('an empty text is one empty block; nothing after the end', () => {
  assert.deepEqual(splitBlocks('', 0), [{ start: 0, end: 0, sealed: false }]);
  assert.deepEqual(splitBlocks('a\n', 2), []);
});

test('appended text keeps every sealed block, not the open one', () => {
  const old = lines(0, BLOCK_LINES + 3);
  const blocks = splitBlocks(old, 0);
  assert.equal(blocks.length, 2);
  assert.equal(keptBlocks(blocks, old, old + lines(100, 200)), 1);
});

test('a change keeps only the sealed blocks before it', () => {
  const old = lines(0, 3 * BLOCK_LINES);
  const blocks = splitBlocks(old, 0);
  assert.equal(blocks.length, 3);
  // the last line rewritten (a \r progress bar): the first two blocks stay
  const rewritten = old.slice(0, -2) + '!\n';
  assert.equal(keptBlocks(blocks, old, rewritten), 2);
  // the text cut short (JupyterLab removes, then inserts)
  assert.equal(keptBlocks(blocks, old, old.slice(0, blocks[1].end + 3)), 2);
  // a change in the first block: nothing stays
  assert.equal(keptBlocks(blocks, old, 'X' + old.slice(1)), 0);
  assert.equal(keptBlocks(blocks, old, ''), 0);
});

test('common prefix length', () => {
  assert.equal(commonPrefixLength('abc', 'abcdef'), 3);
  assert.equal(commonPrefixLength('abcdef', 'abc'), 3);
  assert.equal(commonPrefixLength('', 'x'), 0);
  const long = 'z'.repeat(10_000);
  assert.equal(commonPrefixLength(long + 'a' + long, long + 'b' + long), 10_000);
  assert.equal(commonPrefixLength(long, long), 10_000);
});
