// The options of make, makeNow and makeLater, read and checked before a
// make starts: apart from make.mjs, so that the make itself reads as
// what it does with them, and makeLater (later.mjs) reads them the same
// way.

import { describe } from './registry.mjs';
import { checkCodec, checkStore } from './durable.mjs';
import { poolNumber } from './pools.mjs';

const MAKE_OPTIONS = new Set(['failFast', 'queue', 'concurrency', 'signal', 'onTransition', 'store', 'codec', 'pools']);

/**
 * Reads the options of make and makeNow (makeLater takes two of them):
 * defaults filled in, `concurrency` 0 for no limit. Unknown keys and
 * values of the wrong type are errors, so a typo is not silently ignored.
 */
export function readMakeOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new TypeError(`make options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!MAKE_OPTIONS.has(key)) throw new TypeError(`unknown make option '${key}' (known: ${[...MAKE_OPTIONS].join(', ')})`);
  }
  const { failFast = false, queue, concurrency, signal, onTransition, store, codec, pools } = options;
  if (store !== undefined) checkStore(store);
  if (codec !== undefined) checkCodec(codec, 'codec');
  if (codec !== undefined && store === undefined) throw new TypeError('codec is for a make with a store: pass store too');
  if (queue !== undefined && typeof queue !== 'function') throw new TypeError(`queue must be a function, got ${describe(queue)}`);
  if (onTransition !== undefined && typeof onTransition !== 'function') throw new TypeError(`onTransition must be a function, got ${describe(onTransition)}`);
  if (concurrency !== undefined && concurrency !== Infinity && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency < 2 ** 32)) {
    throw new RangeError(`concurrency must be a positive integer or Infinity, got ${describe(concurrency)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`);
  return { failFast: Boolean(failFast), queue, concurrency: concurrency === undefined || concurrency === Infinity ? 0 : concurrency, signal, onTransition, store, codec, pools: pools === undefined ? undefined : readPools(pools) };
}

/**
 * The `pools` option (SPEC §12), `{ name: capacity }`, as the pairs the
 * core reads: each pool's number (see pools.mjs) and its capacity, a
 * positive integer.
 */
function readPools(pools) {
  if (pools === null || typeof pools !== 'object' || Array.isArray(pools)) throw new TypeError(`pools must be an object of capacities by pool name, got ${describe(pools)}`);
  const pairs = [];
  for (const name of Object.keys(pools)) {
    const capacity = pools[name];
    if (typeof capacity !== 'number') throw new TypeError(`the capacity of pool '${name}' must be a number, got ${describe(capacity)}`);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity >= 2 ** 32) {
      throw new RangeError(`the capacity of pool '${name}' must be a positive integer, got ${describe(capacity)}`);
    }
    if (name === '') throw new RangeError('a pool name must not be empty');
    pairs.push(poolNumber(name), capacity);
  }
  return pairs;
}
