/**
 * The worker kernel's settings: the site's (`jupyter-lite.json`), overridden
 * by the user's own from the Settings Editor (`schema/kernel.json`).
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';

import type { IWorkerSettings } from '../tokens';
import { EXTENSION_ID, PYODIDE_KERNEL_PLUGIN_ID } from '../tokens';

/** The site's `litePluginSettings`, by plugin id. */
function litePluginSettings(): Record<string, Record<string, unknown> | undefined> {
  return JSON.parse(PageConfig.getOption('litePluginSettings') || '{}') as Record<
    string,
    Record<string, unknown> | undefined
  >;
}

/**
 * A setting that must be a list of strings (absent: empty).
 *
 * @throws Error naming the setting when it is something else.
 */
function stringList(value: unknown, name: string): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(
      `jupyter-worker:kernel: ${name} must be a list of URLs, not ${JSON.stringify(value)}`,
    );
  }
  return value as string[];
}

/**
 * The defaults of the worker kernel's own settings: those of
 * `schema/kernel.json` (`test/settings.test.ts` checks that they agree), for
 * pages where the settings registry has not loaded them.
 */
export const WORKER_SETTING_DEFAULTS: Readonly<IWorkerSettings & { pypiIndexUrls: string[] }> = {
  notifyMode: 'waitAsync',
  callbackTimeout: 30,
  warmSpare: true,
  snapshot: true,
  pypiIndexUrls: [],
};

/** What the user set in the Settings Editor for `jupyter-worker:kernel`. */
let userValues: Record<string, unknown> = {};

/** Settles once the user's values are loaded (or failed to load). */
let userValuesLoaded: Promise<void> = Promise.resolve();

/**
 * Follow the user's own values of the kernel's settings (the Settings
 * Editor, plugin `pluginId`): each new kernel or `%%worker` worker takes them
 * over the site's. A registry that fails to load them leaves the site's.
 */
export function followUserSettings(registry: ISettingRegistry, pluginId: string): void {
  userValuesLoaded = registry.load(pluginId).then(
    (settings) => {
      const take = (): void => {
        userValues = { ...settings.user } as Record<string, unknown>;
      };
      take();
      settings.changed.connect(take);
    },
    (error: unknown) => {
      console.warn(`jupyter-worker: the kernel's user settings did not load: ${String(error)}`);
    },
  );
}

/** Resolves once the user's values of the kernel's settings are known. */
export function userSettingsLoaded(): Promise<void> {
  return userValuesLoaded;
}

/** The package indexes the user set in the Settings Editor, if any. */
export function userIndexUrls(): string[] | undefined {
  return userValues.pypiIndexUrls === undefined
    ? undefined
    : stringList(userValues.pypiIndexUrls, 'pypiIndexUrls');
}

/** The site's values of the kernel's own settings, overridden by the user's. */
function ownSettings(): Record<string, unknown> {
  return { ...(litePluginSettings()[`${EXTENSION_ID}:kernel`] ?? {}), ...userValues };
}

/** Read the worker kernel's own settings, with defaults. */
export function readWorkerSettings(): IWorkerSettings {
  const own = ownSettings();
  const fallback = WORKER_SETTING_DEFAULTS.callbackTimeout;
  const timeout = Number(own.callbackTimeout ?? fallback);
  return {
    notifyMode: own.notifyMode === 'message' ? 'message' : WORKER_SETTING_DEFAULTS.notifyMode,
    callbackTimeout: Number.isFinite(timeout) && timeout > 0 ? timeout : fallback,
    warmSpare:
      typeof own.warmSpare === 'boolean' ? own.warmSpare : WORKER_SETTING_DEFAULTS.warmSpare,
    snapshot: typeof own.snapshot === 'boolean' ? own.snapshot : WORKER_SETTING_DEFAULTS.snapshot,
  };
}

/** The settings the worker kernel takes from `jupyter-lite.json`. */
export interface IPyodideSettings {
  /** Absolute URL of `pyodide.mjs`. */
  pyodideUrl: string;
  /** Absolute URL of the piplite wheel, if overridden. */
  pipliteWheelUrl?: string;
  /** Absolute URLs of piplite indexes. */
  pipliteUrls: string[];
  /** Do not fall back to PyPI when a package is not in the local indexes. */
  disablePyPIFallback: boolean;
  /**
   * The package indexes micropip (and piplite's PyPI fallback) asks, in order
   * (micropip's `set_index_urls`); empty: micropip's default, PyPI.
   */
  pypiIndexUrls: string[];
  /** Extra options for `loadPyodide`; keys ending in `URL` are absolute. */
  loadPyodideOptions: Record<string, unknown> & { lockFileURL: string; packages: string[] };
}

type RawSettings = Partial<Record<keyof IPyodideSettings, unknown>>;

/** The worker kernel's settings: its Pyodide's and its own. */
export function readKernelSettings(): IPyodideSettings & IWorkerSettings {
  return { ...readPyodideSettings(), ...readWorkerSettings() };
}

/**
 * The worker kernel's Pyodide settings: those of the upstream Pyodide kernel
 * (`@jupyterlite/pyodide-kernel-extension:kernel`, written by our build addon),
 * overridden by any given under `jupyter-worker:kernel` (the site's, then
 * the user's).
 *
 * @throws Error naming the fix when no Pyodide URL is configured (the site was
 * not built with jupyter-worker installed).
 */
export function readPyodideSettings(): IPyodideSettings {
  const all = litePluginSettings() as Record<string, RawSettings | undefined>;
  const raw: RawSettings = {
    ...(all[PYODIDE_KERNEL_PLUGIN_ID] ?? {}),
    ...ownSettings(),
  };
  const baseUrl = PageConfig.getBaseUrl();
  const absolute = (url: string): string => new URL(url, baseUrl).href;
  if (typeof raw.pyodideUrl !== 'string' || !raw.pyodideUrl) {
    throw new Error(
      'No pyodideUrl in jupyter-lite.json: build the site with `jupyter lite build` ' +
        'in an environment where jupyter-worker is installed.',
    );
  }
  const loadPyodideOptions: Record<string, unknown> = {
    ...((raw.loadPyodideOptions as Record<string, unknown> | undefined) ?? {}),
  };
  for (const [key, value] of Object.entries(loadPyodideOptions)) {
    if (key.endsWith('URL') && typeof value === 'string') {
      loadPyodideOptions[key] = absolute(value);
    }
  }
  return {
    pyodideUrl: URLExt.parse(absolute(raw.pyodideUrl)).href,
    pipliteWheelUrl:
      typeof raw.pipliteWheelUrl === 'string' ? absolute(raw.pipliteWheelUrl) : undefined,
    pipliteUrls: ((raw.pipliteUrls as string[] | undefined) ?? []).map(absolute),
    disablePyPIFallback: !!raw.disablePyPIFallback,
    pypiIndexUrls: stringList(raw.pypiIndexUrls, 'pypiIndexUrls').map(absolute),
    loadPyodideOptions: loadPyodideOptions as IPyodideSettings['loadPyodideOptions'],
  };
}
