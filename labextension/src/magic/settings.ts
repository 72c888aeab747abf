/**
 * Where `%%worker` workers get Pyodide: the site's settings in JupyterLite,
 * the server extension's copy of the offline Pyodide in JupyterLab.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

import type { IPyodideSettings } from '../kernel/settings';
import { readKernelSettings, readWorkerSettings, userIndexUrls } from '../kernel/settings';
import type { IWorkerSettings } from '../tokens';
import { LAB_PAGE_CONFIG_KEY, LAB_PYODIDE_PATH } from '../tokens';

/** Everything a `%%worker` worker needs to start. */
export interface IMagicWorkerSettings extends IPyodideSettings, IWorkerSettings {}

/** Whether this page is a JupyterLite site (it has `litePluginSettings`). */
export function isLite(): boolean {
  return !!PageConfig.getOption('litePluginSettings');
}

/**
 * The settings of a new worker. In JupyterLite those of the site (as for the
 * worker kernel); in JupyterLab the offline Pyodide that the server extension
 * serves (the packages it does not ship load from the Pyodide CDN, as its lock
 * says, and PyPI or the indexes the server extension names).
 */
export function readMagicSettings(): IMagicWorkerSettings {
  if (isLite()) {
    return readKernelSettings();
  }
  const pyodideUrl = URLExt.join(PageConfig.getBaseUrl(), LAB_PYODIDE_PATH, 'pyodide.mjs');
  const lab = JSON.parse(PageConfig.getOption(LAB_PAGE_CONFIG_KEY) || '{}') as {
    pypiIndexUrls?: string[];
  };
  return {
    pyodideUrl: new URL(pyodideUrl, location.href).href,
    pipliteUrls: [],
    disablePyPIFallback: false,
    pypiIndexUrls: userIndexUrls() ?? lab.pypiIndexUrls ?? [],
    loadPyodideOptions: {} as IPyodideSettings['loadPyodideOptions'],
    ...readWorkerSettings(),
  };
}
