/**
 * Who runs the silent code of `--in` / `--out` / `--packages`: the
 * notebook's kernel (here) or a named worker (`named.ts`).
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** Runs code silently (no history, no outputs in any cell) and hands back its messages. */
export interface ICodeRunner {
  /** Who runs the code, for error messages: "the kernel", "worker 'x'". */
  readonly label: string;
  /** Run `code`; `onMessage` sees its iopub messages. */
  runSilently(
    code: string,
    onMessage: (msg: KernelMessage.IMessage) => void,
  ): Promise<KernelMessage.IExecuteReplyMsg['content']>;
}

/** The notebook's own kernel, as a silent code runner for `--in` / `--out`. */
export class KernelRunner implements ICodeRunner {
  readonly label = "the notebook's kernel";

  constructor(private readonly _kernel: Kernel.IKernelConnection) {}

  async runSilently(
    code: string,
    onMessage: (msg: KernelMessage.IMessage) => void,
  ): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    const future = this._kernel.requestExecute({
      code,
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false,
    });
    future.onIOPub = onMessage;
    return (await future.done).content;
  }
}
