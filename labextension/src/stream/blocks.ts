/**
 * How the stream renderer cuts a text into blocks, and which blocks survive a
 * change of the text.
 *
 * Blocks end at line ends, so nothing rendermime recognises in a text (an
 * escape sequence, a link, a file path) is cut in two. A block is *sealed*
 * once it holds `BLOCK_LINES` lines or `BLOCK_CHARS` characters and ends with
 * a line end: text appended later cannot change it, so it is never rendered
 * again. The last block stays open and is rendered again with what is
 * appended to it, at most a block's worth of text.
 */

/** Lines in a sealed block. */
export const BLOCK_LINES = 500;

/** Characters after which a block is sealed at its next line end. */
export const BLOCK_CHARS = 32 * 1024;

/** A range `[start, end)` of the text. */
export interface IBlockRange {
  start: number;
  end: number;
  /** Whether text appended later cannot change this block. */
  sealed: boolean;
}

/**
 * Cut `text[from:]` into blocks; `from` is 0 or a sealed block's end. An empty
 * text is one empty block (rendermime renders an empty `<pre>` for it).
 */
export function splitBlocks(
  text: string,
  from: number,
  lines = BLOCK_LINES,
  chars = BLOCK_CHARS,
): IBlockRange[] {
  const blocks: IBlockRange[] = [];
  if (from >= text.length) {
    return from === 0 ? [{ start: 0, end: 0, sealed: false }] : blocks;
  }
  let start = from;
  let count = 0;
  let eol = text.indexOf('\n', start);
  while (eol !== -1) {
    count += 1;
    const end = eol + 1;
    if (count >= lines || end - start >= chars) {
      blocks.push({ start, end, sealed: true });
      start = end;
      count = 0;
    }
    eol = text.indexOf('\n', end);
  }
  if (start < text.length) {
    blocks.push({ start, end: text.length, sealed: false });
  }
  return blocks;
}

/** The length of the longest common prefix of `a` and `b`. */
export function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  if (b.startsWith(a.slice(0, max))) {
    return max;
  }
  // compare in slices (native), then characters within the first that differs
  const step = 4096;
  let i = 0;
  while (i + step <= max && a.slice(i, i + step) === b.slice(i, i + step)) {
    i += step;
  }
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) {
    i += 1;
  }
  return i;
}

/**
 * How many leading blocks of the old text can stay when the text becomes
 * `text`: sealed blocks within the part both texts share.
 */
export function keptBlocks(blocks: readonly IBlockRange[], old: string, text: string): number {
  const shared = commonPrefixLength(old, text);
  let kept = 0;
  while (kept < blocks.length && blocks[kept].sealed && blocks[kept].end <= shared) {
    kept += 1;
  }
  return kept;
}
