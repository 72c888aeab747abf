/**
 * jupyter-worker: the JupyterLab / JupyterLite plugins.
 */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { displayPlugin } from './display/plugin';
import { startAtLoad } from './kernel/early';
import { kernelPlugin } from './kernel/plugin';
import { magicPlugins } from './magic/plugin';
import { statusPlugin } from './status/plugin';
import { streamPlugin } from './stream/plugin';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  kernelPlugin,
  displayPlugin,
  statusPlugin,
  streamPlugin,
  ...magicPlugins,
];

// an isolated page that opens a worker notebook starts its worker now, before the plugins activate
startAtLoad();

export default plugins;
