/**
 * The page's answers to worker requests, as the channel writes them: a
 * string, number, boolean or `undefined` result travels as itself (no JSON),
 * a bare page reference with its heap id besides, anything else as JSON.
 */
import type { IOpResult } from './ops';
import { errorPayload } from './values';
import {
  R_ERROR,
  R_FALSE,
  R_NUMBER,
  R_OK,
  R_REF,
  R_STRING,
  R_TRUE,
  R_UNDEFINED,
} from '../protocol';

/** One answer to the worker. */
export interface IAnswer {
  kind: number;
  /** The JSON text (`R_OK`, `R_ERROR`, `R_CALLBACK`), else ''. */
  json: string;
  segments: Uint8Array[];
  /** The result of an `R_STRING` or `R_NUMBER` answer; the heap id of an `R_REF` one. */
  value?: string | number;
}

/** The answer for a failed request: the error's name, message and stack. */
export function errorAnswer(error: unknown): IAnswer {
  return { kind: R_ERROR, json: JSON.stringify(errorPayload(error)), segments: [] };
}

/**
 * The answer for a result. A string, number, boolean or `undefined` result goes without JSON; a bare
 * reference gives its heap id besides (`R_REF`).
 */
export function okAnswer(result: IOpResult): IAnswer {
  const { value, segments } = result;
  if (!segments.length) {
    switch (typeof value) {
      case 'string':
        return { kind: R_STRING, json: '', segments, value };
      case 'number': // (toWire sends non-finite numbers as JSON objects)
        return { kind: R_NUMBER, json: '', segments, value };
      case 'boolean':
        return { kind: value ? R_TRUE : R_FALSE, json: '', segments };
      default:
        if (value === null) {
          // toWire's `undefined`; JavaScript null is {"$null": 1}
          return { kind: R_UNDEFINED, json: '', segments };
        }
        if (!Array.isArray(value) && typeof value.$ref === 'number') {
          return { kind: R_REF, json: JSON.stringify({ v: value }), segments, value: value.$ref };
        }
    }
  }
  return { kind: R_OK, json: JSON.stringify({ v: value }), segments };
}
