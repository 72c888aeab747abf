/**
 * The kernel's settings schema (`schema/kernel.json`, the Settings Editor's)
 * and the defaults the code falls back on agree.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { WORKER_SETTING_DEFAULTS } from '../src/kernel/settings';

const schema = JSON.parse(readFileSync('schema/kernel.json', 'utf-8')) as {
  properties: Record<string, { default: unknown }>;
  additionalProperties: boolean;
};

test('every setting of the schema has the default the code uses, and no other exists', () => {
  const defaults = Object.fromEntries(
    Object.entries(schema.properties).map(([name, property]) => [name, property.default]),
  );
  assert.deepEqual(defaults, { ...WORKER_SETTING_DEFAULTS });
  assert.equal(schema.additionalProperties, false);
});
