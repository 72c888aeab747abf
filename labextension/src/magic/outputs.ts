/**
 * Turn a worker's kernel messages into outputs of the cell that runs there.
 */
import type { IOutputAreaModel } from '@jupyterlab/outputarea';
import type * as nbformat from '@jupyterlab/nbformat';
import type { KernelMessage } from '@jupyterlab/services';

/**
 * Writes iopub messages (stream, display_data, update_display_data,
 * execute_result, error, clear_output) into one cell's output model, as the
 * notebook's own output area does for kernel cells.
 */
export class OutputSink {
  constructor(private readonly _outputs: IOutputAreaModel) {}

  /** Add one message's output; other message types are ignored. */
  handle(msg: KernelMessage.IMessage): void {
    const content = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case 'stream':
        this._outputs.add({
          output_type: 'stream',
          name: content.name as nbformat.StreamType,
          text: content.text as string,
        });
        break;
      case 'error': {
        // upstream pyodide-kernel 0.8.6 sends ename "<class 'ValueError'>";
        // ipykernel sends the class name
        const ename = /^<class '(?:.*\.)?([^.']+)'>$/.exec(String(content.ename));
        this._outputs.add({
          output_type: 'error',
          ename: ename ? ename[1] : String(content.ename),
          evalue: String(content.evalue),
          traceback: content.traceback as string[],
        });
        break;
      }
      case 'display_data':
      case 'execute_result': {
        const { transient, ...output } = content as { transient?: { display_id?: string } };
        const index = this._outputs.add({
          ...output,
          output_type: msg.header.msg_type,
        } as nbformat.IOutput);
        const id = transient?.display_id;
        if (id) {
          this._displays.set(id, [...(this._displays.get(id) ?? []), index]);
        }
        break;
      }
      case 'update_display_data': {
        const { transient, ...output } = content as { transient?: { display_id?: string } };
        for (const index of this._displays.get(transient?.display_id ?? '') ?? []) {
          this._outputs.set(index, { ...output, output_type: 'display_data' } as nbformat.IOutput);
        }
        break;
      }
      case 'clear_output':
        this._outputs.clear(!!content.wait);
        this._displays.clear();
        break;
      default:
        break;
    }
  }

  /** Add an error output (a usage error, a failed transfer...). */
  error(ename: string, evalue: string, traceback?: string[]): void {
    this._outputs.add({
      output_type: 'error',
      ename,
      evalue,
      traceback: traceback ?? [`${ename}: ${evalue}`],
    });
  }

  /** Add text on stdout (or stderr). */
  print(text: string, name: nbformat.StreamType = 'stdout'): void {
    this._outputs.add({ output_type: 'stream', name, text });
  }

  private _displays = new Map<string, number[]>();
}
