/**
 * The worker kernel of the notebook in front, if it uses one.
 */
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

import type { IWorkerState, WorkerRegistry } from '../kernel/workers';

/** Follows the current notebook, its kernel and that kernel's worker state. */
export class CurrentWorker {
  constructor(
    private readonly _tracker: INotebookTracker,
    private readonly _workers: WorkerRegistry,
  ) {
    _tracker.currentChanged.connect(this._follow, this);
    _workers.changed.connect(this._onWorkerChanged, this);
    this._follow();
  }

  /** Emits when the current worker or its state changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The current notebook's kernel, if it is a worker kernel of this page. */
  get kernel(): Kernel.IKernelConnection | null {
    const kernel = this._panel?.sessionContext.session?.kernel ?? null;
    return kernel && this._workers.state(kernel.id) ? kernel : null;
  }

  /** The state of the current worker, if any. */
  get state(): IWorkerState | null {
    const kernel = this.kernel;
    return kernel ? (this._workers.state(kernel.id) ?? null) : null;
  }

  private _follow(): void {
    this._panel?.sessionContext.kernelChanged.disconnect(this._emit, this);
    this._panel = this._tracker.currentWidget;
    this._panel?.sessionContext.kernelChanged.connect(this._emit, this);
    this._emit();
  }

  private _onWorkerChanged(_: WorkerRegistry, id: string): void {
    const current = this._panel?.sessionContext.session?.kernel?.id;
    if (id === current) {
      this._emit();
    }
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _panel: NotebookPanel | null = null;
  private readonly _changed = new Signal<this, void>(this);
}
