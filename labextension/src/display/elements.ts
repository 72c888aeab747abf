/**
 * Live page elements displayed from worker Python, waiting for their output.
 *
 * `display(element)` in Python registers the element here and emits a
 * display_data whose `application/vnd.jupyter-worker.element+json` part names
 * it and whose `text/html` part is its sanitized snapshot; the renderer
 * (`renderer.ts`) moves the live element into the output. A reopened
 * notebook has no live elements: the renderer shows the snapshot instead, and
 * no code runs.
 *
 * An element is held strongly until its output first shows it, then weakly:
 * once its output is cleared (or its cell re-run) nothing keeps it alive.
 */

/** The largest snapshot saved with an output, in characters of sanitized HTML. */
export const SNAPSHOT_MAX_CHARS = 1024 * 1024;

/** At most this many displayed elements wait for their output (the oldest go first). */
export const PENDING_MAX = 1000;

/** Displayed, not shown yet: held. */
const pending = new Map<string, Element>();

/** Shown by an output: held by that output only. */
const shown = new Map<string, WeakRef<Element>>();

const collected = new FinalizationRegistry<string>((uuid) => {
  if (!shown.get(uuid)?.deref()) {
    shown.delete(uuid);
  }
});

/**
 * Register `element` for display; returns its key and its snapshot:
 * `sanitize`d HTML, or a note instead when it exceeds `SNAPSHOT_MAX_CHARS`.
 */
export function registerElement(
  element: Element,
  sanitize: (html: string) => string,
): { uuid: string; html: string } {
  const uuid = crypto.randomUUID();
  pending.set(uuid, element);
  if (pending.size > PENDING_MAX) {
    pending.delete(pending.keys().next().value as string);
  }
  let html = sanitize(element.outerHTML);
  if (html.length > SNAPSHOT_MAX_CHARS) {
    html =
      `<p>(The snapshot of this &lt;${element.tagName.toLowerCase()}&gt; has ` +
      `${html.length} characters, more than the ${SNAPSHOT_MAX_CHARS} saved with an ` +
      'output: run the cell to see it.)</p>';
  }
  return { uuid, html };
}

/** The live element registered under `uuid`, if this page still has it; it is now shown. */
export function takeElement(uuid: string): Element | undefined {
  const waiting = pending.get(uuid);
  if (waiting) {
    pending.delete(uuid);
    shown.set(uuid, new WeakRef(waiting));
    collected.register(waiting, uuid);
    return waiting;
  }
  return shown.get(uuid)?.deref();
}

/** How many displayed elements this page still holds or has (for leak tests). */
export function liveElements(): number {
  let alive = pending.size;
  for (const ref of shown.values()) {
    if (ref.deref()) {
      alive++;
    }
  }
  return alive;
}
