/**
 * The worker's lifeline: a Web Lock it holds until it dies.
 *
 * Nothing tells the page that a worker is gone when it closed itself, was
 * killed for memory or crashed outright: no `error` event fires and pending
 * calls just never answer. A lock held by a worker is released when the
 * worker ends, so the page, which asks for the same lock, learns of it then.
 */
import type { ILifelineEnvelope } from '../protocol';

/**
 * Take a fresh lock, hold it for the worker's life and tell the page its name.
 * Does nothing where Web Locks are missing (pages that are not secure contexts).
 */
export async function holdLifeline(): Promise<void> {
  const locks = (navigator as Partial<Navigator>).locks;
  if (!locks || typeof crypto.randomUUID !== 'function') {
    return;
  }
  const name = `jupyter-worker:${crypto.randomUUID()}`;
  await new Promise<void>((held) => {
    void locks.request(name, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
  postMessage({ _jwLifeline: name } satisfies ILifelineEnvelope);
}
