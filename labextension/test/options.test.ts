/**
 * The `%%worker` parser against the table of lines and what they parse to
 * (`tests/fixtures/magic/lines.json`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  MagicUsageError,
  defaultCellOptions,
  parseCellLine,
  parseLineCommand,
} from '../src/magic/options';

interface ICase {
  line: string;
  options?: Record<string, unknown>;
  error?: string;
}

// (`npm test` runs in labextension/)
const table = JSON.parse(readFileSync('../tests/fixtures/magic/lines.json', 'utf-8')) as {
  cell: ICase[];
  line: ICase[];
};

function check(
  parse: (line: string) => unknown,
  { line, options, error }: ICase,
  base: object,
): void {
  if (error !== undefined) {
    assert.throws(
      () => parse(line),
      (thrown: unknown) => thrown instanceof MagicUsageError && thrown.message === error,
      `${JSON.stringify(line)} should fail with ${JSON.stringify(error)}`,
    );
  } else {
    assert.deepEqual(parse(line), { ...base, ...options }, JSON.stringify(line));
  }
}

test('%%worker lines parse as the table says', () => {
  for (const item of table.cell) {
    check(parseCellLine, item, defaultCellOptions());
  }
});

test('%worker lines parse as the table says', () => {
  for (const item of table.line) {
    check(parseLineCommand, item, {});
  }
});
