/**
 * `input()` / `getpass()` in a `%%worker` cell: the notebook's own stdin box,
 * in the cell's output area, answers the worker.
 */
import type { Cell } from '@jupyterlab/cells';
import type { IStdin, OutputArea } from '@jupyterlab/outputarea';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';

type ExecuteFuture = Kernel.IShellFuture<
  KernelMessage.IExecuteRequestMsg,
  KernelMessage.IExecuteReplyMsg
>;

/** What an output area uses of a kernel future for stdin (`OutputArea._setFuture`). */
interface IStdinFuture {
  readonly done: Promise<unknown>;
  /** Set by the output area: shows a stdin box for an `input_request`. */
  onStdin: (msg: KernelMessage.IStdinMessage) => void;
  onIOPub: unknown;
  onReply: unknown;
  sendInputReply(content: KernelMessage.IInputReplyMsg['content']): void;
  dispose(): void;
}

/** The answer to one `input()`: the line typed, or why there is none. */
export type InputAnswer = { value: string } | { error: string };

/**
 * The stdin of one `%%worker` cell run. The cell's output area gets a
 * stand-in kernel future (public `reattachFuture`, which keeps the outputs):
 * the output area then shows the stdin box for the worker's `input_request`
 * as for a kernel's, adds the answer as a `stdin` stream output, and knows
 * that input is pending (it refuses to change the cell's type meanwhile).
 */
export class CellStdin {
  /**
   * @param cell - the cell that runs (a code cell: it has an output area).
   * @param reply - hands the worker the line typed, or why there is none.
   */
  constructor(
    cell: Cell,
    private readonly _reply: (answer: InputAnswer) => void,
  ) {
    let area = (cell as Partial<{ outputArea: OutputArea }>).outputArea ?? null;
    if (area?.isDisposed || area?.model.isDisposed) {
      area = null; // the cell was deleted: nobody can answer
    }
    this._area = area;
    this._future = {
      done: this._done.promise,
      onStdin: () => undefined,
      onIOPub: undefined,
      onReply: undefined,
      sendInputReply: (content) => {
        this._reply({ value: content.status === 'ok' ? content.value : '' });
      },
      dispose: () => undefined,
    };
    area?.reattachFuture(this._future as unknown as ExecuteFuture);
    area?.inputRequested.connect(this._onBox, this);
  }

  /** Show a stdin box for the worker's `input_request`. */
  ask(msg: KernelMessage.IInputRequestMsg): void {
    if (!this._area || this._area.isDisposed) {
      // (a deleted cell still runs to its end)
      this._reply({ error: 'the cell was deleted, so no stdin box can ask for input()' });
      return;
    }
    this._future.onStdin(msg);
  }

  /**
   * The cell ended: input is no longer pending, and boxes still waiting (the
   * cell was interrupted or its worker stopped) are removed.
   */
  dispose(): void {
    this._done.resolve(undefined);
    this._area?.inputRequested.disconnect(this._onBox, this);
    for (const box of this._waiting) {
      (box.parent ?? box).dispose();
    }
    this._waiting.clear();
  }

  private _onBox(_: OutputArea, box: IStdin): void {
    this._waiting.add(box);
    void box.value.then(() => this._waiting.delete(box));
  }

  private readonly _area: OutputArea | null;
  private readonly _future: IStdinFuture;
  private readonly _done = new PromiseDelegate<undefined>();
  private readonly _waiting = new Set<IStdin>();
}
