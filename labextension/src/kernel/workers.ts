/**
 * The worker kernels of this page, by kernel id: how to interrupt each, and
 * its state for the status bar.
 *
 * JupyterLite's kernel client answers an interrupt by cancelling the cells
 * still queued; it cannot stop the running one (jupyterlite/jupyterlite#459).
 * Worker kernels register here, and the kernel plugin routes the client's
 * `interrupt` to them first. This module stays small: plugins import it
 * without pulling in the kernel itself.
 */
import type { KernelMessage } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';

/**
 * What an interrupt did: `interrupted` (KeyboardInterrupt, state kept),
 * `restart` (the page is not isolated: the running cell was failed and the
 * worker must be restarted), `idle` (nothing ran).
 */
export type InterruptOutcome = 'interrupted' | 'restart' | 'idle';

/** Where a worker is in its life. */
export type WorkerPhase = 'loading' | 'idle' | 'busy' | 'dead';

/** A worker's state as the status bar shows it. */
export interface IWorkerState {
  phase: WorkerPhase;
  /** While loading: the step; when dead: why. */
  detail: string;
}

interface IEntry {
  interrupt: () => Promise<InterruptOutcome>;
  deliverEarly: (msg: KernelMessage.IMessage) => void;
  state: IWorkerState;
}

/** The worker kernels of this page. */
export class WorkerRegistry {
  /** Emits the id of a kernel whose state changed (or that came or went). */
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  /**
   * Register kernel `id`, loading: how to interrupt it, and what to do with a
   * message the notebook sends it, as it is sent (see `WorkerKernel.deliverEarly`).
   */
  add(
    id: string,
    interrupt: () => Promise<InterruptOutcome>,
    deliverEarly: (msg: KernelMessage.IMessage) => void = () => undefined,
  ): void {
    this._entries.set(id, { interrupt, deliverEarly, state: { phase: 'loading', detail: '' } });
    this._changed.emit(id);
  }

  /** A message the notebook sends kernel `id`, as it is sent. */
  sent(id: string, msg: KernelMessage.IMessage): void {
    this._entries.get(id)?.deliverEarly(msg);
  }

  /** Forget kernel `id` (disposed). */
  remove(id: string): void {
    if (this._entries.delete(id)) {
      this._changed.emit(id);
    }
  }

  /** The state of kernel `id`, if it is a worker kernel. */
  state(id: string): IWorkerState | undefined {
    return this._entries.get(id)?.state;
  }

  /** Set the state of kernel `id`. A dead worker stays dead. */
  setState(id: string, state: IWorkerState): void {
    const entry = this._entries.get(id);
    if (!entry || entry.state.phase === 'dead') {
      return;
    }
    entry.state = state;
    this._changed.emit(id);
  }

  /** Interrupt kernel `id`; undefined when it is not a worker kernel. */
  async interrupt(id: string): Promise<InterruptOutcome | undefined> {
    return this._entries.get(id)?.interrupt();
  }

  private readonly _entries = new Map<string, IEntry>();
  private readonly _changed = new Signal<this, string>(this);
}

/** The registry of this page. */
export const workers = new WorkerRegistry();
