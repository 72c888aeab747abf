/**
 * The ANSI colour state (SGR) at a point of a stream's text.
 *
 * The stream renderer (`renderer.ts`) renders a long text in blocks; a block
 * that starts inside coloured text must start with that colour. This module
 * follows the colour state through a text the way `@jupyterlab/rendermime`'s
 * ANSI-to-HTML conversion does (same sequences, same codes, same quirks: `5`
 * is bold, a sequence with a bad parameter is ignored whole), and writes a
 * state back as one escape sequence that leads that conversion to the same
 * state. Tested against a fixed table in `test/sgr.test.ts`.
 */

/** A colour: a palette index (0-15), an RGB triple, or the default (`null`). */
export type SgrColor = number | readonly [number, number, number] | null;

/** What the text after a point looks like. */
export interface ISgrState {
  readonly fg: SgrColor;
  readonly bg: SgrColor;
  readonly bold: boolean;
  readonly underline: boolean;
  readonly inverse: boolean;
}

/** No colour, no attributes: the state at the start of a text. */
export const DEFAULT_SGR: ISgrState = {
  fg: null,
  bg: null,
  bold: false,
  underline: false,
  inverse: false,
};

/**
 * Control sequences as rendermime matches them: ESC `[`, parameters, one final
 * byte, on one line (`.` stops at line ends, so no sequence spans a `\n`).
 */
const CSI = /\x1b\[(.*?)([@-~])/g; // eslint-disable-line no-control-regex

/**
 * rendermime HTML-escapes the text before it looks for sequences, which
 * changes where a malformed sequence ends: do the same (lodash `escape`).
 */
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The colour an extended colour code (38 / 48) names; consumes its numbers. */
function extendedColor(numbers: number[]): SgrColor {
  const kind = numbers.shift();
  if (kind === 2 && numbers.length >= 3) {
    const rgb = numbers.splice(0, 3) as [number, number, number];
    if (rgb.some((c) => c < 0 || c > 255)) {
      throw new RangeError('RGB component out of range');
    }
    return rgb;
  }
  if (kind === 5 && numbers.length >= 1) {
    const index = numbers.shift() as number;
    if (index < 16) {
      return index;
    }
    if (index < 232) {
      const level = (n: number) => (n > 0 ? 55 + n * 40 : 0);
      const cube = index - 16;
      return [level(Math.floor(cube / 36)), level(Math.floor((cube % 36) / 6)), level(cube % 6)];
    }
    if (index < 256) {
      const grey = (index - 232) * 10 + 8;
      return [grey, grey, grey];
    }
  }
  throw new RangeError('bad extended colour');
}

/** The parameters of a colour sequence, or none when one is not a number. */
function parameters(text: string): number[] {
  const numbers: number[] = [];
  for (const item of text.split(';')) {
    if (item === '') {
      numbers.push(0);
    } else if (/^\d+$/.test(item)) {
      numbers.push(parseInt(item, 10));
    } else {
      return [];
    }
  }
  return numbers;
}

/** `state` after the colour codes `numbers`. */
function apply(state: ISgrState, numbers: number[]): ISgrState {
  let { fg, bg, bold, underline, inverse } = state;
  while (numbers.length) {
    const n = numbers.shift() as number;
    if (n === 0) {
      ({ fg, bg, bold, underline, inverse } = DEFAULT_SGR);
    } else if (n === 1 || n === 5) {
      bold = true;
    } else if (n === 4) {
      underline = true;
    } else if (n === 7) {
      inverse = true;
    } else if (n === 21 || n === 22) {
      bold = false;
    } else if (n === 24) {
      underline = false;
    } else if (n === 27) {
      inverse = false;
    } else if (n === 39) {
      fg = null;
    } else if (n === 49) {
      bg = null;
    } else if (n >= 30 && n <= 37) {
      fg = n - 30;
    } else if (n >= 40 && n <= 47) {
      bg = n - 40;
    } else if (n >= 90 && n <= 97) {
      fg = n - 90 + 8;
    } else if (n >= 100 && n <= 107) {
      bg = n - 100 + 8;
    } else if (n === 38 || n === 48) {
      try {
        const color = extendedColor(numbers);
        if (n === 38) {
          fg = color;
        } else {
          bg = color;
        }
      } catch {
        numbers.length = 0; // the rest of the sequence is ignored
      }
    }
  }
  return { fg, bg, bold, underline, inverse };
}

/** The state after `text`, starting from `state`. */
export function advanceSgr(state: ISgrState, text: string): ISgrState {
  if (!text.includes('\x1b')) {
    return state;
  }
  for (const match of htmlEscape(text).matchAll(CSI)) {
    if (match[2] === 'm') {
      state = apply(state, parameters(match[1]));
    }
  }
  return state;
}

function colorCodes(color: SgrColor, base: number, bright: number, extended: number): string[] {
  if (color === null) {
    return [];
  }
  if (typeof color === 'number') {
    return [String(color < 8 ? base + color : bright + color - 8)];
  }
  return [String(extended), '2', ...color.map(String)];
}

/**
 * One escape sequence that sets `state` from the default state; empty for the
 * default state (so plain text keeps rendermime's fast path).
 */
export function sgrPrefix(state: ISgrState): string {
  const codes = [
    ...(state.bold ? ['1'] : []),
    ...(state.underline ? ['4'] : []),
    ...(state.inverse ? ['7'] : []),
    ...colorCodes(state.fg, 30, 90, 38),
    ...colorCodes(state.bg, 40, 100, 48),
  ];
  return codes.length ? `\x1b[${codes.join(';')}m` : '';
}
