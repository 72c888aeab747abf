/**
 * Parse `%%worker` / `%worker` lines: the one parser (a kernel runs no
 * `%%worker` cell, so it only prints the usage text, the same as here:
 * `tests/test_magic_constants.py` checks; `test/options.test.ts` checks every
 * line of `tests/fixtures/magic/lines.json`).
 */
import { MAX_TIMER_MS, timerDelay } from '../timers';

/** The usage text of `%%worker -h`. */
export const USAGE = `%%worker [NAME] [--fresh] [--background] [--in A,B] [--out C] [--timeout S] [--packages P,Q]

Run this cell in a browser Pyodide worker instead of the notebook's kernel.

  NAME             the worker (default: "default"); cells of one name share state,
                   different names are separate interpreters that run in parallel
  --fresh          restart the worker before the cell
  --background     do not hold back the next cells while this one runs
  --in A,B         copy JSON-able variables A, B from the kernel into the worker first
  --out C          copy JSON-able variable C from the worker into the kernel after
  --timeout S      interrupt the cell after S seconds
  --packages P,Q   install packages into the worker first (micropip)
  -h, --help       show this help

%worker list         show the running workers
%worker stop NAME    stop a worker`;

/** The worker used when a cell names none. */
export const DEFAULT_WORKER = 'default';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:[=<>!~]=?[A-Za-z0-9._*+-]+)?$/;
/** Python's `keyword.kwlist`: not variable names. */
const KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else ' +
    'except finally for from global if import in is lambda nonlocal not or pass raise ' +
    'return try while with yield'
  ).split(' '),
);

/** A `%%worker` line that cannot be run; the message says why. */
export class MagicUsageError extends Error {
  name = 'UsageError';
}

/** What a `%%worker` line asks for. */
export interface ICellOptions {
  name: string;
  fresh: boolean;
  background: boolean;
  inputs: string[];
  outputs: string[];
  timeout: number | null;
  packages: string[];
  help: boolean;
}

/** What a `%worker` line asks for. */
export interface ILineCommand {
  action: 'list' | 'stop' | 'help';
  name: string;
}

/**
 * Return `name` if it is a plain ASCII Python identifier and no keyword.
 *
 * @throws MagicUsageError otherwise: nothing else may reach a kernel.
 */
export function checkVariable(name: string): string {
  if (!IDENTIFIER.test(name) || KEYWORDS.has(name)) {
    throw new MagicUsageError(`'${name}' is not a Python variable name`);
  }
  return name;
}

function split(option: string, value: string): string[] {
  const items = value.split(',');
  if (items.some((item) => !item)) {
    throw new MagicUsageError(`${option} takes a comma-separated list without blanks`);
  }
  return items;
}

function apply(options: ICellOptions, option: string, value: string): void {
  switch (option) {
    case '--in':
      options.inputs.push(...split(option, value).map(checkVariable));
      break;
    case '--out':
      options.outputs.push(...split(option, value).map(checkVariable));
      break;
    case '--packages':
      for (const pkg of split(option, value)) {
        if (!PACKAGE.test(pkg)) {
          throw new MagicUsageError(`'${pkg}' is not a package requirement`);
        }
        options.packages.push(pkg);
      }
      break;
    default: {
      const seconds = /^[0-9.eE+-]+$/.test(value) ? Number(value) : NaN;
      if (!(seconds > 0) || !Number.isFinite(seconds)) {
        throw new MagicUsageError(`--timeout takes a positive number of seconds, not '${value}'`);
      }
      if (timerDelay(seconds) === undefined) {
        throw new MagicUsageError(
          `--timeout takes at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (about 24 days), not '${value}'`,
        );
      }
      options.timeout = seconds;
    }
  }
}

/** What a `%%worker` line without arguments asks for. */
export function defaultCellOptions(): ICellOptions {
  return {
    name: DEFAULT_WORKER,
    fresh: false,
    background: false,
    inputs: [],
    outputs: [],
    timeout: null,
    packages: [],
    help: false,
  };
}

/**
 * Parse the arguments of a `%%worker` line (what follows `%%worker`).
 *
 * @throws MagicUsageError for an unknown option, a missing or malformed value.
 */
export function parseCellLine(line: string): ICellOptions {
  const options = defaultCellOptions();
  let named = false;
  const tokens = line.split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length;) {
    const token = tokens[i++];
    const eq = token.indexOf('=');
    const option = eq < 0 ? token : token.slice(0, eq);
    if (token === '-h' || token === '--help') {
      options.help = true;
    } else if (token === '--fresh') {
      options.fresh = true;
    } else if (token === '--background') {
      options.background = true;
    } else if (['--in', '--out', '--timeout', '--packages'].includes(option)) {
      let value = token.slice(eq + 1);
      if (eq < 0) {
        if (i >= tokens.length || tokens[i].startsWith('-')) {
          throw new MagicUsageError(`${option} needs a value`);
        }
        value = tokens[i++];
      }
      apply(options, option, value);
    } else if (token.startsWith('-')) {
      throw new MagicUsageError(`unknown option '${token}'`);
    } else if (named) {
      throw new MagicUsageError(`one worker name only, got '${options.name}' and '${token}'`);
    } else if (!NAME.test(token)) {
      throw new MagicUsageError(`'${token}' is not a worker name (letters, digits, _ and -)`);
    } else {
      options.name = token;
      named = true;
    }
  }
  return options;
}

/**
 * Parse the arguments of a `%worker` line: `list`, `stop NAME`, `-h`.
 *
 * @throws MagicUsageError for anything else.
 */
export function parseLineCommand(line: string): ILineCommand {
  const tokens = line.split(/\s+/).filter(Boolean);
  if (tokens.length === 1 && (tokens[0] === '-h' || tokens[0] === '--help')) {
    return { action: 'help', name: '' };
  }
  if (tokens.length === 1 && tokens[0] === 'list') {
    return { action: 'list', name: '' };
  }
  if (tokens.length === 2 && tokens[0] === 'stop' && NAME.test(tokens[1])) {
    return { action: 'stop', name: tokens[1] };
  }
  throw new MagicUsageError(`%worker takes 'list' or 'stop NAME', not '${line.trim()}'`);
}

/** A cell the browser runs itself: its magic and the code after the magic line. */
export type WorkerCell =
  { kind: 'cell'; line: string; code: string } | { kind: 'line'; line: string };

/**
 * Whether `source` is a `%%worker` cell or a lone `%worker ...` line.
 * Other cells (even mentioning %%worker later) belong to the kernel.
 */
export function matchWorkerCell(source: string): WorkerCell | null {
  const cell = /^%%worker(?:[ \t]+([^\n]*))?[ \t]*(?:\r?\n|$)/.exec(source);
  if (cell) {
    return { kind: 'cell', line: cell[1] ?? '', code: source.slice(cell[0].length) };
  }
  const line = /^\s*%worker(?:[ \t]+([^\n]*))?\s*$/.exec(source);
  if (line) {
    return { kind: 'line', line: line[1] ?? '' };
  }
  return null;
}
