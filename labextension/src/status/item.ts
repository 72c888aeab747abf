/**
 * The status bar item: the worker's state and whether the page is isolated.
 */
import { Widget } from '@lumino/widgets';

import type { IWorkerState } from '../kernel/workers';
import type { CurrentWorker } from './current';

/** What isolation gives, and how to get it. */
export const ISOLATED_TIP =
  'This page is cross-origin isolated: worker Python reaches the page synchronously ' +
  '(document, window), interrupts stop a running cell and keep its state, and ' +
  'time.sleep sleeps without using the CPU.';

export const NOT_ISOLATED_TIP =
  'This page is not cross-origin isolated (no SharedArrayBuffer). Disabled: document ' +
  'and window from worker Python; interrupts that keep state (an interrupt restarts ' +
  "the worker instead); input() without JupyterLite's service worker. Fix: serve the " +
  'site with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: ' +
  "credentialless (`jupyter worker serve` does; so do hosts that read the site's " +
  "_headers file), or let the site's service worker add them: it needs https:// or " +
  'localhost and a window that allows service workers (not private windows). See the ' +
  'jupyter-worker README, "Deploy".';

function describe(state: IWorkerState): string {
  switch (state.phase) {
    case 'loading':
      return state.detail ? `loading: ${state.detail}` : 'loading';
    case 'dead':
      return 'dead';
    default:
      return state.phase;
  }
}

/** Shows the current worker's state, with what isolation means as its tooltip. */
export class WorkerStatusItem extends Widget {
  constructor(
    private readonly _current: CurrentWorker,
    private readonly _isolated: boolean,
  ) {
    super();
    this.addClass('jp-WorkerStatus');
    this.toggleClass('jp-mod-not-isolated', !_isolated);
    _current.changed.connect(this._update, this);
    this._update();
  }

  private _update(): void {
    const state = this._current.state;
    const isolation = this._isolated ? 'isolated' : 'not isolated';
    this.node.textContent = state ? `Worker: ${describe(state)} · ${isolation}` : '';
    this.toggleClass('jp-mod-dead', state?.phase === 'dead');
    const tip = this._isolated ? ISOLATED_TIP : NOT_ISOLATED_TIP;
    this.node.title = state?.phase === 'dead' ? `${state.detail}\n\n${tip}` : tip;
  }
}
