/**
 * Letting the page's other tasks run between slices of long page work.
 */

let yieldPort: MessagePort | null = null;
const yieldQueue: (() => void)[] = [];

/**
 * Let the page's other tasks (input, rendering) run: resolves in a new task
 * (a port message, which unlike `setTimeout` is never clamped).
 */
export function yieldToPage(): Promise<void> {
  if (!yieldPort) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => yieldQueue.shift()?.();
    yieldPort = channel.port2;
  }
  const port = yieldPort;
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    port.postMessage(0);
  });
}
