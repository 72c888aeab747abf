/**
 * Kernel messages from the worker to the page, with stream output coalesced.
 *
 * Upstream posts one message per `print`; a cell printing 100,000 lines then
 * floods the page with 100,000 renders and the notebook freezes. Here stream
 * text is held and posted at most every `FLUSH_MS` (or once `FLUSH_BYTES`
 * have piled up), always before any other message, so order is kept. A busy
 * worker cannot run timers, so the deadline is also checked at each write;
 * the owner flushes when a cell ends and before the worker blocks.
 */
import type { IKernelMessageEnvelope } from '../tokens';

/** A kernel message as upstream's remote kernel emits it. */
export type KernelMessage = IKernelMessageEnvelope['_kernelMessage'];

/** How long stream text may wait before it is posted (ms). */
export const FLUSH_MS = 50;

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
    if (!this._held) {
      this._held = { ...message, bundle: { ...message.bundle } };
      this._since = performance.now();
      this._timer = setTimeout(() => this.flush(), FLUSH_MS);
    } else {
      this._held.bundle.text += message.bundle.text;
    }
    if (
      this._held.bundle.text.length >= FLUSH_BYTES ||
      performance.now() - this._since >= FLUSH_MS
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
    this._post(held);
  }

  private _held: IStreamMessage | null = null;
  private _since = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined;
}
