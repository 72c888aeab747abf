/**
 * The named `%%worker` workers of each notebook.
 */
import type { Contents } from '@jupyterlab/services';

import { NamedWorker } from './named';
import { readMagicSettings } from './settings';
import { loadSpawnHost } from '../spawn/load';

/**
 * Starts, lists and stops the workers of each notebook. Workers belong to
 * one notebook (its model): the same name in two notebooks is two workers.
 */
export class WorkerManager {
  constructor(private readonly _contents: Contents.IManager) {}

  /**
   * The worker `name` of `notebook`, started if needed (`fresh`: restarted);
   * a new one works in `location` (the notebook's folder).
   */
  get(notebook: object, name: string, location: string, fresh = false): NamedWorker {
    const workers = this._workers(notebook);
    let worker = workers.get(name);
    if (worker && (fresh || worker.state === 'stopped')) {
      worker.stop('restarted (--fresh)');
      worker = undefined;
    }
    if (!worker) {
      worker = new NamedWorker(name, readMagicSettings(), this._contents, location, loadSpawnHost);
      workers.set(name, worker);
    }
    return worker;
  }

  /** The live workers of `notebook`. */
  list(notebook: object): NamedWorker[] {
    return [...this._workers(notebook).values()].filter((w) => w.state !== 'stopped');
  }

  /** Stop worker `name` of `notebook`; returns whether it was running. */
  stop(notebook: object, name: string): boolean {
    const workers = this._workers(notebook);
    const worker = workers.get(name);
    workers.delete(name);
    if (!worker || worker.state === 'stopped') {
      return false;
    }
    worker.stop();
    return true;
  }

  /** Stop every worker of `notebook` (closed, or its kernel restarted). */
  stopAll(notebook: object, reason?: string): void {
    for (const worker of this._workers(notebook).values()) {
      worker.stop(reason);
    }
    this._byNotebook.delete(notebook);
  }

  /** Interrupt the cells that run in workers of `notebook`. */
  interrupt(notebook: object): void {
    for (const worker of this.list(notebook)) {
      if (worker.busy) {
        void worker.interrupt();
      }
    }
  }

  /** Stop the workers of `notebook` that run a cell now (a kernel restart). */
  stopBusy(notebook: object, reason: string): void {
    for (const worker of this.list(notebook)) {
      if (worker.busy) {
        worker.stop(reason);
      }
    }
  }

  private _workers(notebook: object): Map<string, NamedWorker> {
    let workers = this._byNotebook.get(notebook);
    if (!workers) {
      workers = new Map();
      this._byNotebook.set(notebook, workers);
    }
    return workers;
  }

  private _byNotebook = new WeakMap<object, Map<string, NamedWorker>>();
}
