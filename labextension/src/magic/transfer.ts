/**
 * Copy JSON-able variables between the notebook's kernel and a worker
 * (`--in` / `--out`), with standard Jupyter messaging only: a silent execute
 * that displays the value's JSON under a private MIME type, and one that
 * assigns it. Works with any Python kernel with IPython's `display`; names
 * are checked as identifiers first, so nothing else reaches the kernel.
 */

import { checkVariable } from './options';
import type { ICodeRunner } from './runner';
import { TYPE_MIME, VALUE_MIME } from '../protocol';

/** A variable that could not be copied; the message names it and why. */
export class TransferError extends Error {
  constructor(
    message: string,
    readonly ename: string,
  ) {
    super(message);
  }
}

/**
 * Read variable `name` from `runner` as JSON text.
 *
 * @throws TransferError when it is undefined or not JSON-able.
 */
export async function readVariable(
  runner: ICodeRunner,
  name: string,
  option: string,
): Promise<string> {
  checkVariable(name);
  const display = "__import__('IPython').display.display";
  const code =
    `${display}({'${TYPE_MIME}': type(${name}).__name__}, raw=True) or ` +
    `${display}({'${VALUE_MIME}': __import__('json').dumps(${name}, allow_nan=False)}, raw=True)`;
  let type: string | undefined;
  let value: string | undefined;
  let error: { ename: string; evalue: string } | undefined;
  const reply = await runner.runSilently(code, (msg) => {
    const content = msg.content as Record<string, unknown>;
    if (msg.header.msg_type === 'display_data') {
      const data = content.data as Record<string, unknown>;
      type = (data[TYPE_MIME] as string | undefined) ?? type;
      value = (data[VALUE_MIME] as string | undefined) ?? value;
    } else if (msg.header.msg_type === 'error') {
      error = content as { ename: string; evalue: string };
    }
  });
  if (value !== undefined && reply.status === 'ok') {
    return value;
  }
  const why = error ?? (reply as { ename?: string; evalue?: string });
  if (type === undefined) {
    throw new TransferError(
      `${option} ${name}: ${runner.label} has no variable ${name} (${why.ename}: ${why.evalue})`,
      why.ename ?? 'NameError',
    );
  }
  throw new TransferError(
    `${option} ${name}: ${name} is a ${type}, which is not JSON-able ` +
      `(${why.ename}: ${why.evalue})`,
    why.ename ?? 'TypeError',
  );
}

/**
 * Set variable `name` in `runner` to the value of JSON text `json`.
 *
 * @throws TransferError when the assignment fails.
 */
export async function writeVariable(
  runner: ICodeRunner,
  name: string,
  json: string,
  option: string,
): Promise<void> {
  checkVariable(name);
  // A JSON string literal is a valid Python string literal.
  const code = `${name} = __import__('json').loads(${JSON.stringify(json)})`;
  let error: { ename: string; evalue: string } | undefined;
  const reply = await runner.runSilently(code, (msg) => {
    if (msg.header.msg_type === 'error') {
      error = msg.content as { ename: string; evalue: string };
    }
  });
  if (reply.status !== 'ok' || error) {
    const why = error ?? (reply as { ename?: string; evalue?: string });
    throw new TransferError(
      `${option} ${name}: could not set it in ${runner.label} (${why.ename}: ${why.evalue})`,
      why.ename ?? 'RuntimeError',
    );
  }
}
