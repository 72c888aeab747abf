/**
 * Real interrupts for worker kernels.
 *
 * JupyterLite's kernel client answers an interrupt by cancelling the cells
 * still queued; it cannot stop the running one (jupyterlite/jupyterlite#459).
 * Worker kernels register here, and the kernel plugin routes the client's
 * `interrupt` to them first. This module stays tiny: the plugin imports it
 * without pulling in the kernel itself.
 */

const handlers = new Map<string, () => void>();

/** Register how to interrupt kernel `id` (until `unregisterInterrupt`). */
export function registerInterrupt(id: string, interrupt: () => void): void {
  handlers.set(id, interrupt);
}

/** Forget kernel `id`. */
export function unregisterInterrupt(id: string): void {
  handlers.delete(id);
}

/** Interrupt kernel `id` if it is a worker kernel; returns whether it was. */
export function interruptKernel(id: string): boolean {
  const interrupt = handlers.get(id);
  interrupt?.();
  return interrupt !== undefined;
}
