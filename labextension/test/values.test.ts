/**
 * Values from Python become page values with the keys they had.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromWire } from '../src/channel/values';

test('a "__proto__" key is an own property, not the prototype', () => {
  const wire = JSON.parse('{"$obj": {"__proto__": {"$obj": {"polluted": true}}, "a": 1}}');
  const value = fromWire(wire, undefined as never, undefined as never, null) as Record<
    string,
    unknown
  >;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ['__proto__', 'a']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: true });
  assert.equal((value as { polluted?: boolean }).polluted, undefined);
});
