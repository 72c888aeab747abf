/**
 * jupyter-worker: the JupyterLab / JupyterLite plugins.
 */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { kernelPlugin } from './kernel/plugin';

const plugins: JupyterFrontEndPlugin<unknown>[] = [kernelPlugin];

export default plugins;
