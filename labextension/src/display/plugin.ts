/**
 * Registers the renderer of worker-displayed elements (JupyterLab and Lite).
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { EXTENSION_ID } from '../tokens';
import { elementRendererFactory } from './renderer';

/** Show elements that worker Python passed to `display()`. */
export const displayPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:display`,
  description: 'Renders page elements displayed from worker Python.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (_app: JupyterFrontEnd, rendermime: IRenderMimeRegistry): void => {
    rendermime.addFactory(elementRendererFactory, elementRendererFactory.defaultRank);
  },
};
