/**
 * The ANSI colour state follows rendermime's rules and is written back as one
 * sequence that leads to the same state.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ISgrState } from '../src/stream/sgr';
import { DEFAULT_SGR, advanceSgr, sgrPrefix } from '../src/stream/sgr';

const ESC = '\x1b';

function after(text: string, state: ISgrState = DEFAULT_SGR): ISgrState {
  return advanceSgr(state, text);
}

test('plain text keeps the default state and needs no prefix', () => {
  assert.equal(after('hello\nworld\n'), DEFAULT_SGR);
  assert.equal(sgrPrefix(DEFAULT_SGR), '');
});

test('colours and attributes, reset, and their ends', () => {
  assert.deepEqual(after(`${ESC}[31mred`), { ...DEFAULT_SGR, fg: 1 });
  assert.deepEqual(after(`${ESC}[1;4;7;42m`), {
    fg: null,
    bg: 2,
    bold: true,
    underline: true,
    inverse: true,
  });
  assert.deepEqual(after(`${ESC}[1;31m x ${ESC}[0m`), DEFAULT_SGR);
  assert.deepEqual(after(`${ESC}[1;31m x ${ESC}[m`), DEFAULT_SGR);
  assert.deepEqual(after(`${ESC}[1;4;7;31;41m${ESC}[22;24;27;39;49m`), DEFAULT_SGR);
  assert.deepEqual(after(`${ESC}[5m`), { ...DEFAULT_SGR, bold: true }); // blink is bold
  assert.deepEqual(after(`${ESC}[93;104m`), { ...DEFAULT_SGR, fg: 11, bg: 12 });
});

test('extended colours: 256-colour palette, cube, grey, RGB', () => {
  assert.deepEqual(after(`${ESC}[38;5;9m`).fg, 9);
  assert.deepEqual(after(`${ESC}[38;5;196m`).fg, [255, 0, 0]);
  assert.deepEqual(after(`${ESC}[48;5;232m`).bg, [8, 8, 8]);
  assert.deepEqual(after(`${ESC}[38;2;1;2;3m`).fg, [1, 2, 3]);
});

test('bad sequences are ignored as rendermime ignores them', () => {
  // a parameter that is not a number: the whole sequence
  assert.deepEqual(after(`${ESC}[1;x;31m`), DEFAULT_SGR);
  // a bad extended colour: it and the rest of its sequence, not what came before
  assert.deepEqual(after(`${ESC}[1;38;5;300;4m`), { ...DEFAULT_SGR, bold: true });
  assert.deepEqual(after(`${ESC}[38;2;1;2m`), DEFAULT_SGR);
  // not a colour sequence (erase line)
  assert.deepEqual(after(`${ESC}[2K`), DEFAULT_SGR);
  // a sequence never spans a line end
  assert.deepEqual(after(`${ESC}[31\nm`), DEFAULT_SGR);
  // sequences are found in the HTML-escaped text: "<" becomes "&lt;", whose
  // "l" ends the malformed sequence, so the next one counts
  assert.deepEqual(after(`${ESC}[1<${ESC}[31m`), { ...DEFAULT_SGR, fg: 1 });
});

test('the prefix of a state leads to that state', () => {
  const states = [
    `${ESC}[31m`,
    `${ESC}[1;4;7m`,
    `${ESC}[92;103m`,
    `${ESC}[38;5;33;48;2;10;20;30m`,
    `${ESC}[1;38;5;3m`,
    `${ESC}[7;49m`,
  ].map((text) => after(text));
  for (const state of states) {
    assert.deepEqual(after(sgrPrefix(state)), state, JSON.stringify(state));
  }
});

test('the state carries on from a given state', () => {
  const red = after(`${ESC}[31m`);
  assert.deepEqual(after('more red text\n', red), red);
  assert.deepEqual(after(`${ESC}[1m`, red), { ...red, bold: true });
});
