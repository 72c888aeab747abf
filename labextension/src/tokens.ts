/**
 * Names and wire messages shared by the main thread and the worker.
 *
 * Every message that crosses between them is typed here; the Python side of
 * the same messages is `jupyter_worker/protocol.py`.
 */

/** The kernelspec name of the JupyterLite worker kernel. */
export const KERNEL_NAME = 'python-worker';

/** The name shown in the launcher. */
export const KERNEL_DISPLAY_NAME = 'Python (worker)';

/** The prefix of every plugin id of this extension. */
export const EXTENSION_ID = 'jupyter-worker';

/**
 * The `litePluginSettings` key of the upstream Pyodide kernel. The worker
 * kernel reads the same settings, so both kernels of a site share one Pyodide.
 */
export const PYODIDE_KERNEL_PLUGIN_ID = '@jupyterlite/pyodide-kernel-extension:kernel';

/**
 * A message the worker posts outside comlink's own traffic: a kernel message
 * for the notebook (stream, display_data, execute_result, error, comm...).
 */
export interface IKernelMessageEnvelope {
  _kernelMessage: { type: string; [key: string]: unknown };
}

/** A log line the worker posts for the log console. */
export interface ILogMessageEnvelope {
  _logMessage: { type: 'text'; level: 'info' | 'warning' | 'critical'; data: string };
}

/** Everything the worker posts besides comlink replies. */
export type WorkerEnvelope = IKernelMessageEnvelope | ILogMessageEnvelope;
