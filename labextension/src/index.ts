/**
 * jupyter-worker: the JupyterLab / JupyterLite plugins.
 */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { displayPlugin } from './display/plugin';
import { kernelPlugin } from './kernel/plugin';

const plugins: JupyterFrontEndPlugin<unknown>[] = [kernelPlugin, displayPlugin];

export default plugins;
