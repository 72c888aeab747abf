/**
 * The output renderer of elements displayed from worker Python.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { takeElement } from './elements';
import type { IElementRef } from '../protocol';
import { ELEMENT_MIME } from '../protocol';

/**
 * Shows the live element when this page has it; otherwise the sanitized
 * snapshot saved with the output. The factory is not `safe`, so untrusted
 * outputs (a notebook just opened) use the `text/html` snapshot instead and
 * nothing of the worker runs.
 */
class ElementRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private readonly _options: IRenderMime.IRendererOptions) {
    super();
    this.addClass('jp-WorkerElement');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const ref = model.data[ELEMENT_MIME] as unknown as IElementRef | undefined;
    const element = ref ? takeElement(ref.uuid) : undefined;
    this.node.replaceChildren();
    this.toggleClass('jp-WorkerElement-snapshot', !element);
    if (element) {
      this.node.appendChild(element);
    } else {
      const snapshot = model.data['text/html'] ?? ref?.html ?? '';
      this.node.innerHTML = this._options.sanitizer.sanitize(String(snapshot));
    }
  }
}

/** The renderer factory for `application/vnd.jupyter-worker.element+json`. */
export const elementRendererFactory: IRenderMime.IRendererFactory = {
  safe: false,
  mimeTypes: [ELEMENT_MIME],
  defaultRank: 10,
  createRenderer: (options) => new ElementRenderer(options),
};
