/**
 * ipywidgets in `%%worker` cells: the widget comms of a worker are handed to
 * the notebook's own widget manager (`@jupyter-widgets/jupyterlab-manager`),
 * so a widget a worker cell displays renders in the notebook, its changes
 * reach worker Python, and an `Output` widget (`interact`) captures what
 * worker Python prints for it.
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { KernelMessage } from '@jupyterlab/services';

/** The mime type of a widget's view in an output. */
const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';

/** The comm target of ipywidgets. */
const WIDGET_TARGET = 'jupyter.widget';

/** The outputs an `Output` widget captures. */
const CAPTURED = new Set(['stream', 'display_data', 'execute_result', 'error', 'clear_output']);

/** The callbacks a widget model gives with a message (`@jupyter-widgets/base` ICallbacks). */
interface ICallbacks {
  iopub?: { status?: (msg: KernelMessage.IStatusMsg) => void };
}

/** What is used here of a widget model (`@jupyter-widgets/base` WidgetModel). */
interface IWidgetModel {
  get(key: string): unknown;
  /** Only jupyterlab-manager's `OutputModel` has it: take one captured output. */
  add?: (msg: KernelMessage.IIOPubMessage) => void;
}

/** What is used here of a notebook's widget manager (`@jupyter-widgets/base-manager` ManagerBase). */
interface IWidgetManager {
  handle_comm_open(comm: WorkerComm, msg: KernelMessage.ICommOpenMsg): Promise<IWidgetModel>;
}

/** A message from worker Python (what a model's `on_msg` / `on_close` callback gets). */
type CommHandler = (msg: KernelMessage.IMessage) => unknown;

/**
 * The widget manager of the notebook whose outputs `rendermime` renders, or
 * null (no jupyterlab_widgets on the page, or the notebook has no kernel).
 *
 * jupyterlab-manager exports no way to reach a notebook's manager: the
 * widget-view renderer factory it puts in the notebook's rendermime is made
 * with it, and each renderer holds it (`WidgetRenderer._manager`,
 * jupyterlab_widgets 3). The page-wide factory has no manager: its promise
 * never settles, and null is returned.
 */
async function findWidgetManager(rendermime: IRenderMimeRegistry): Promise<IWidgetManager | null> {
  const factory = rendermime.getFactory(WIDGET_VIEW);
  if (!factory) {
    return null;
  }
  const renderer = factory.createRenderer({
    mimeType: WIDGET_VIEW,
    sanitizer: rendermime.sanitizer,
    resolver: null,
    linkHandler: null,
    latexTypesetter: null,
  }) as unknown as { _manager?: { promise?: Promise<IWidgetManager> }; dispose?: () => void };
  const manager = renderer._manager?.promise;
  renderer.dispose?.();
  if (!manager) {
    return null;
  }
  const none = new Promise<null>((resolve) => setTimeout(() => resolve(null), 0));
  return Promise.race([manager, none]);
}

/**
 * One comm of worker Python as a widget model sees it (`@jupyter-widgets/base`
 * IClassicComm): what the model sends goes to the worker.
 */
class WorkerComm {
  constructor(
    readonly comm_id: string,
    readonly target_name: string,
    private readonly _widgets: WorkerWidgets,
  ) {}

  /** Comms of a worker are opened by worker Python only. */
  open(): string {
    throw new Error('%%worker: widgets are created by worker Python, not by the page');
  }

  /** Send `data` to the comm in worker Python; returns the message id. */
  send(
    data: unknown,
    callbacks?: ICallbacks,
    metadata?: Record<string, unknown>,
    buffers?: (ArrayBuffer | ArrayBufferView)[],
  ): string {
    return this._widgets.send('comm_msg', this.comm_id, data, callbacks, metadata, buffers);
  }

  /** Close the comm (the model was closed on the page). */
  close(
    data?: unknown,
    callbacks?: ICallbacks,
    metadata?: Record<string, unknown>,
    buffers?: (ArrayBuffer | ArrayBufferView)[],
  ): string {
    const id = this._widgets.send(
      'comm_close',
      this.comm_id,
      data ?? {},
      callbacks,
      metadata,
      buffers,
    );
    this._widgets.forget(this.comm_id);
    return id;
  }

  /** The model's handler of messages from worker Python. */
  on_msg(callback: CommHandler): void {
    this.onMsg = callback;
  }

  /** The model's handler of the comm's end. */
  on_close(callback: CommHandler): void {
    this.onClose = callback;
  }

  onMsg: CommHandler | null = null;
  onClose: CommHandler | null = null;
}

/**
 * The widgets of one `%%worker` worker. `take` is given every message of the
 * worker's kernel, one after the other (awaiting each), and takes the widget
 * ones; what the widgets send goes out through `toWorker`.
 */
export class WorkerWidgets {
  constructor(private readonly _toWorker: (msg: KernelMessage.IMessage) => void) {}

  /**
   * The rendermime of the notebook whose cell runs in the worker now (its
   * widget manager gets the worker's widgets).
   */
  set rendermime(value: IRenderMimeRegistry) {
    if (value !== this._rendermime) {
      this._rendermime = value;
      this._manager = null;
    }
  }

  /**
   * Handle `msg` if it is widget business: a comm of worker Python opened,
   * sent to, closed; the status of a message a widget sent; an output an
   * `Output` widget captures. Returns whether it was taken; resolves once the
   * notebook's widget manager took it in (so a widget's view, displayed next,
   * finds its model).
   */
  async take(msg: KernelMessage.IMessage): Promise<boolean> {
    const type = msg.header.msg_type;
    const content = msg.content as { comm_id?: string; target_name?: string };
    if (type === 'comm_open' && content.target_name === WIDGET_TARGET) {
      await this._open(msg as KernelMessage.ICommOpenMsg);
      return true;
    }
    if (type === 'comm_msg' || type === 'comm_close') {
      const comm = this._comms.get(content.comm_id ?? '');
      if (!comm) {
        return false;
      }
      if (type === 'comm_close') {
        this._comms.delete(comm.comm_id);
        await comm.onClose?.(msg);
      } else {
        await comm.onMsg?.(msg);
      }
      return true;
    }
    const parent = parentId(msg);
    if (type === 'status') {
      const sent = this._sent.get(parent);
      if (!sent) {
        return false;
      }
      if ((msg as KernelMessage.IStatusMsg).content.execution_state === 'idle') {
        this._sent.delete(parent);
        sent.callbacks?.iopub?.status?.(msg as KernelMessage.IStatusMsg);
      }
      return true;
    }
    if (CAPTURED.has(type) && parent) {
      for (const model of this._outputs.values()) {
        if (model.get('msg_id') === parent) {
          model.add?.(msg as KernelMessage.IIOPubMessage);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The cell (its execute request's id) that created the widget whose message
   * `id` is, if it is one: what worker Python prints while handling a
   * widget's change goes to that cell.
   */
  cellOf(id: string): string | undefined {
    const comm = this._sent.get(id)?.comm;
    return comm === undefined ? undefined : this._cells.get(comm);
  }

  /** Send a message of a widget to worker Python; returns its id. */
  send(
    msgType: 'comm_msg' | 'comm_close',
    commId: string,
    data: unknown,
    callbacks?: ICallbacks,
    metadata?: Record<string, unknown>,
    buffers?: (ArrayBuffer | ArrayBufferView)[],
  ): string {
    const msg: KernelMessage.IMessage = KernelMessage.createMessage<
      KernelMessage.ICommMsgMsg<'shell'>
    >({
      msgType: 'comm_msg',
      channel: 'shell',
      session: this._session,
      content: { comm_id: commId, data: data as KernelMessage.ICommMsgMsg['content']['data'] },
      metadata: (metadata ?? {}) as KernelMessage.IMessage['metadata'],
      buffers,
    });
    msg.header.msg_type = msgType; // a comm_close has the same shape
    this._sent.set(msg.header.msg_id, { comm: commId, callbacks });
    this._toWorker(msg);
    return msg.header.msg_id;
  }

  /** Drop comm `commId` (closed on the page). */
  forget(commId: string): void {
    this._comms.delete(commId);
    this._outputs.delete(commId);
    this._cells.delete(commId);
  }

  /** The worker stopped: every widget it had ends, as on a kernel's restart. */
  close(): void {
    for (const comm of this._comms.values()) {
      const msg = KernelMessage.createMessage({
        msgType: 'comm_close',
        channel: 'iopub',
        session: this._session,
        content: { comm_id: comm.comm_id, data: {} },
      });
      try {
        void comm.onClose?.(msg);
      } catch (error) {
        console.warn('%%worker: a widget failed to close', error);
      }
    }
    this._comms.clear();
    this._outputs.clear();
    this._cells.clear();
    this._sent.clear();
  }

  private async _open(msg: KernelMessage.ICommOpenMsg): Promise<void> {
    const { comm_id: id, target_name: target } = msg.content;
    try {
      const manager = await this._widgetManager();
      if (!manager) {
        console.error(
          `%%worker: widget ${id} cannot be shown: this notebook has no widget manager ` +
            '(the jupyterlab_widgets lab extension is not loaded, or the notebook has no kernel)',
        );
        return;
      }
      const comm = new WorkerComm(id, target, this);
      this._comms.set(id, comm);
      this._cells.set(id, parentId(msg));
      const model = await manager.handle_comm_open(comm, msg);
      if (typeof model.add === 'function' && this._comms.has(id)) {
        this._outputs.set(id, model);
      }
    } catch (error) {
      console.error(`%%worker: widget ${id} could not be created`, error);
    }
  }

  private _widgetManager(): Promise<IWidgetManager | null> {
    if (!this._manager) {
      const rendermime = this._rendermime;
      this._manager = rendermime ? findWidgetManager(rendermime) : Promise.resolve(null);
    }
    return this._manager;
  }

  private _rendermime: IRenderMimeRegistry | null = null;
  private _manager: Promise<IWidgetManager | null> | null = null;
  private _session = crypto.randomUUID();
  private _comms = new Map<string, WorkerComm>();
  /** The `Output` widgets, by comm id. */
  private _outputs = new Map<string, IWidgetModel>();
  /** The cell that created each widget, by comm id. */
  private _cells = new Map<string, string>();
  /** The messages widgets sent, until worker Python is idle for them. */
  private _sent = new Map<string, { comm: string; callbacks?: ICallbacks }>();
}

/** The id of the message `msg` answers ('' if none). */
function parentId(msg: KernelMessage.IMessage): string {
  return (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id ?? '';
}
