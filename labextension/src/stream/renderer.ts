/**
 * The renderer of stdout / stderr text: renders only what changed.
 *
 * JupyterLab merges a cell's consecutive stream messages into one output and
 * renders that output's whole text again for each message
 * (`OutputArea._setOutput` → `renderModel`); rendermime's `renderText` then
 * builds one `<pre>` of all of it and the browser lays out every line again.
 * Profiled on a cell printing 100,000 lines (Chromium trace of the notebook
 * page): layout (`LocalFrameView::performLayout`, text shaping included) took
 * 3.6 s of the page's 5.2 s of tasks, up to 0.8 s at a time; all JavaScript
 * (the model's merge and `renderText`) about 0.2 s in total. So the cost is
 * the browser laying out the whole text again, in proportion to what the
 * cell printed so far.
 *
 * Here the text is rendered in blocks of at most `BLOCK_LINES` lines
 * (`blocks.ts`), each with rendermime's own `renderText` / `renderError`
 * (ANSI colours, links, paths as upstream; a block starts with the colour
 * state of the text before it, `sgr.ts`). When the text changes, the blocks
 * both texts share stay as they are (in the DOM and laid out) and only the
 * rest is rendered: appended text costs what was appended; a `\r` progress
 * bar (JupyterLab rewrites the text's end) renders the last block again; any
 * other change renders from the first block that differs. Each sealed
 * block's `<pre>` has `content-visibility: auto` (`style/index.css`), so the
 * browser lays out only those on screen: appending blocks below the viewport,
 * or opening a notebook with a 100,000-line output, costs no layout of the
 * lines nobody sees. The model is untouched: the saved notebook has the
 * whole text.
 *
 * Alternatives measured or weighed: keeping JupyterLab's renderer and posting
 * less often from the worker (what `worker/outbox.ts` does) still lays out
 * everything per message (7 to 11 long tasks, up to 0.65 s, in
 * `benchmarks/responsiveness.py`); blocks without `content-visibility` still
 * lay out each appended chunk at once (in a bare page, 20,000-line appends
 * gave long tasks up to 0.17 s; with it, none even for 100,000 lines at once);
 * showing only the tail of a long output hides text the user printed and
 * needs a control to show the rest. This renderer replaces JupyterLab's for
 * these two MIME types for every kernel (a registry has one factory per MIME
 * type and does not know the kernel); each block is rendered by JupyterLab's
 * own functions, so other kernels' outputs look and behave as before (the
 * browser tests compare a piecemeal render with a render from the saved
 * notebook).
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { RenderedCommon, renderError, renderText } from '@jupyterlab/rendermime';

import type { IBlockRange } from './blocks';
import { keptBlocks, splitBlocks } from './blocks';
import type { ISgrState } from './sgr';
import { DEFAULT_SGR, advanceSgr, sgrPrefix } from './sgr';

/** The stream MIME types JupyterLab gives stream outputs (and tracebacks). */
export const STREAM_MIME_TYPES = [
  'application/vnd.jupyter.stdout',
  'application/vnd.jupyter.stderr',
];

/** The class of one block's element. */
const BLOCK_CLASS = 'jp-WorkerStream-block';

interface IBlock extends IBlockRange {
  /** The block's element in the renderer's node. */
  node: HTMLElement;
  /** The colour state after the block. */
  after: ISgrState;
}

/** Renders stream text in blocks, again only where the text changed. */
export class StreamRenderer extends RenderedCommon {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options);
    this.addClass('jp-RenderedText');
  }

  /** Render `model`'s text, keeping the blocks it shares with the last one. */
  override renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // keep the existing blocks: `render` replaces only those that changed
    return super.renderModel(model, true);
  }

  /** Render what changed since the last text (a full render the first time). */
  render(model: IRenderMime.IMimeModel): Promise<void> {
    const text = String(model.data[this.mimeType] ?? '');
    const kept = keptBlocks(this._blocks, this._text, text);
    for (const block of this._blocks.splice(kept)) {
      block.node.remove();
    }
    let state = kept ? this._blocks[kept - 1].after : DEFAULT_SGR;
    const from = kept ? this._blocks[kept - 1].end : 0;
    const rendered: Promise<void>[] = [];
    for (const range of splitBlocks(text, from)) {
      const slice = text.slice(range.start, range.end);
      const node = document.createElement('div');
      node.className = BLOCK_CLASS;
      // only sealed blocks skip layout off screen: Chromium gives skipped
      // content no `innerText`, so a short output keeps upstream's behaviour
      node.classList.toggle('jp-mod-sealed', range.sealed);
      // the block's height before it is first laid out (content-visibility)
      node.style.setProperty('--jp-worker-lines', String(lineCount(slice)));
      rendered.push(this._renderBlock(node, sgrPrefix(state) + slice));
      state = advanceSgr(state, slice);
      this._blocks.push({ ...range, node, after: state });
      this.node.appendChild(node);
    }
    this._text = text;
    return Promise.all(rendered).then(() => undefined);
  }

  private _renderBlock(host: HTMLElement, source: string): Promise<void> {
    const options = {
      host,
      source,
      sanitizer: this.sanitizer,
      translator: this.translator,
    };
    if (this.mimeType === 'application/vnd.jupyter.stderr') {
      return renderError({ ...options, linkHandler: this.linkHandler, resolver: this.resolver });
    }
    return renderText(options);
  }

  private _text = '';
  private _blocks: IBlock[] = [];
}

function lineCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) {
    count += 1;
  }
  return count;
}

/** The renderer factory for one of `STREAM_MIME_TYPES`. */
export function streamRendererFactory(mimeType: string): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [mimeType],
    defaultRank: 120,
    createRenderer: (options) => new StreamRenderer(options),
  };
}
