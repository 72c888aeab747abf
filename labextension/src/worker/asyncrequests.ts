/**
 * Asynchronous requests of worker Python to the page, by message: they work
 * on pages that are not cross-origin isolated (no shared memory), where the
 * synchronous channel cannot. Python awaits the promise `request` returns
 * (`await w.acall(...)`); the page serves the request (`workers` only) and
 * settles it through the remote kernel (`WorkerRemoteKernel.settleAsync`).
 */
import type { IAsyncRequestEnvelope } from '../protocol';

interface IPending {
  resolve: (text: string) => void;
  reject: (error: Error) => void;
}

const pending = new Map<number, IPending>();
let lastId = 0;

/** Post a request (JSON text); the page's answer (JSON text), or its error. */
export function requestAsync(value: string): Promise<string> {
  const id = ++lastId;
  return new Promise<string>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    postMessage({ _jwAsync: { id, value } } satisfies IAsyncRequestEnvelope);
  });
}

/** The page's answer to request `id`: its JSON text, or an error message. */
export function settleAsync(id: number, ok: boolean, text: string): void {
  const request = pending.get(id);
  pending.delete(id);
  if (ok) {
    request?.resolve(text);
  } else {
    request?.reject(new Error(text));
  }
}
