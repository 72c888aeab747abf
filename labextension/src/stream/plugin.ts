/**
 * Registers the stream output renderer (JupyterLab and Lite).
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { EXTENSION_ID } from '../tokens';
import { STREAM_MIME_TYPES, streamRendererFactory } from './renderer';

/** Render stdout / stderr text incrementally, in place of JupyterLab's renderers. */
export const streamPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:stream`,
  description: 'Renders stream output (stdout, stderr) incrementally, so long outputs stay cheap.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (_app: JupyterFrontEnd, rendermime: IRenderMimeRegistry): void => {
    for (const mime of STREAM_MIME_TYPES) {
      // JupyterLab's rank for the type, so no output's preferred type changes
      rendermime.addFactory(streamRendererFactory(mime), rendermime.getRank(mime));
    }
  },
};
