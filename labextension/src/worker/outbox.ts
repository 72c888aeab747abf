/**
 * Kernel messages from the worker to the page, with stream output coalesced.
 *
 * Upstream posts one message per `print`; a cell printing 100,000 lines then
 * floods the page with 100,000 renders and the notebook freezes. Here stream
 * text is held and posted at intervals, always before any other message, so
 * order is kept. JupyterLab merges a cell's stream text into one output and
 * renders all of it again on each message, so a render costs in proportion to
 * what the cell printed so far: the interval grows in the same proportion
 * (from `FLUSH_MS` up to `FLUSH_MAX_MS`), which keeps the page's share of
 * rendering bounded however long the flood. A busy worker cannot run timers,
 * so the deadline is also checked at each write; the owner flushes when a
 * cell ends and before the worker blocks.
 */
import type { IKernelMessageEnvelope } from '../protocol';

/** A kernel message as upstream's remote kernel emits it. */
export type KernelMessage = IKernelMessageEnvelope['_kernelMessage'];

/** How long stream text may wait before it is posted, at first (ms). */
export const FLUSH_MS = 50;

/** The longest a cell's stream text waits, however much it printed (ms). */
export const FLUSH_MAX_MS = 2000;

/**
 * Characters of a cell's stream output per ms of interval: after 100,000
 * characters posted, text waits 500 ms; so the page re-renders a cell's growing
 * output at most a few times a second, less the more there is.
 */
const CHARS_PER_MS = 200;

/** Post at once when this much stream text waits (UTF-16 code units). */
export const FLUSH_BYTES = 1 << 20;

interface IStreamBundle {
  name: string;
  text: string;
}

interface IStreamMessage extends KernelMessage {
  type: 'stream';
  bundle: IStreamBundle;
  parentHeader?: { msg_id?: string };
}

function isStream(message: KernelMessage): message is IStreamMessage {
  const bundle = message.bundle as Partial<IStreamBundle> | undefined;
  return message.type === 'stream' && typeof bundle?.text === 'string';
}

/** Coalesces stream messages; posts everything through `post`. */
export class Outbox {
  constructor(private readonly _post: (message: KernelMessage) => void) {}

  /** Send one kernel message (stream text may wait up to `FLUSH_MS`). */
  send(message: KernelMessage): void {
    if (!isStream(message)) {
      this.flush();
      this._post(message);
      return;
    }
    const held = this._held;
    if (
      held &&
      (held.bundle.name !== message.bundle.name ||
        held.parentHeader?.msg_id !== message.parentHeader?.msg_id)
    ) {
      this.flush();
    }
    const cell = message.parentHeader?.msg_id;
    if (cell !== this._cell) {
      this._cell = cell;
      this._posted = 0;
    }
    if (!this._held) {
      this._held = { ...message, bundle: { ...message.bundle } };
      this._since = performance.now();
      this._interval = Math.min(FLUSH_MAX_MS, Math.max(FLUSH_MS, this._posted / CHARS_PER_MS));
      this._timer = setTimeout(() => this.flush(), this._interval);
    } else {
      this._held.bundle.text += message.bundle.text;
    }
    if (
      this._held.bundle.text.length >= FLUSH_BYTES ||
      performance.now() - this._since >= this._interval
    ) {
      this.flush();
    }
  }

  /** Post the held stream text now. */
  flush(): void {
    const held = this._held;
    if (!held) {
      return;
    }
    this._held = null;
    clearTimeout(this._timer);
    this._posted += held.bundle.text.length;
    this._post(held);
  }

  private _held: IStreamMessage | null = null;
  private _since = 0;
  private _interval = FLUSH_MS;
  /** The cell (execute request) whose text was posted last, and how much. */
  private _cell: string | undefined;
  private _posted = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined;
}
