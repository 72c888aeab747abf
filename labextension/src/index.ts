/**
 * jupyter-worker: the JupyterLab / JupyterLite plugins.
 */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { displayPlugin } from './display/plugin';
import { kernelPlugin } from './kernel/plugin';
import { magicPlugins } from './magic/plugin';
import { statusPlugin } from './status/plugin';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  kernelPlugin,
  displayPlugin,
  statusPlugin,
  ...magicPlugins,
];

export default plugins;
