// The options of make, makeNow and makeLater, read and checked before a
// make starts: apart from make.mjs, so that the make itself reads as
// what it does with them, and makeLater (later.mjs) reads them the same
// way.

import { describe } from './registry.mjs';
import { checkCodec, checkStore } from './durable.mjs';
import { poolNumber } from './pools.mjs';

const MAKE_OPTIONS = new Set(['failFast', 'queue', 'concurrency', 'signal', 'onTransition', 'store', 'codec', 'pools', 'order', 'rate']);
/** Scheduling options (SPEC §12): makeLater takes these too. */
export const SCHEDULING_OPTIONS = ['pools', 'order', 'rate'];

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
  const { failFast = false, queue, concurrency, signal, onTransition, store, codec } = options;
  if (store !== undefined) checkStore(store);
  if (codec !== undefined) checkCodec(codec, 'codec');
  if (codec !== undefined && store === undefined) throw new TypeError('codec is for a make with a store: pass store too');
  if (queue !== undefined && typeof queue !== 'function') throw new TypeError(`queue must be a function, got ${describe(queue)}`);
  if (onTransition !== undefined && typeof onTransition !== 'function') throw new TypeError(`onTransition must be a function, got ${describe(onTransition)}`);
  if (concurrency !== undefined && concurrency !== Infinity && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency < 2 ** 32)) {
    throw new RangeError(`concurrency must be a positive integer or Infinity, got ${describe(concurrency)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`);
  return { failFast: Boolean(failFast), queue, concurrency: concurrency === undefined || concurrency === Infinity ? 0 : concurrency, signal, onTransition, store, codec, sched: readScheduling(options) };
}

/**
 * The scheduling options (SPEC §12) as the numbers the core reads (see
 * `makeStart` in src/wasm/make.rs), or undefined when none is given:
 * `[criticalPath]`, then per pool `number, capacity, limit, interval`
 * (number 0: the make's own rate; limit 0: no rate).
 */
export function readScheduling({ pools, order = 'seed', rate }) {
  if (order !== 'seed' && order !== 'critical-path') throw new RangeError(`order must be 'seed' or 'critical-path', got ${describe(order)}`);
  if (pools === undefined && rate === undefined && order === 'seed') return undefined;
  const sched = [order === 'critical-path' ? 1 : 0];
  if (rate !== undefined) sched.push(0, 0, ...readRate(rate, 'rate'));
  if (pools !== undefined) sched.push(...readPools(pools));
  return Float64Array.from(sched);
}

/** A rate limit `{ limit, interval }` as `[limit, interval]`. */
function readRate(rate, what) {
  if (rate === null || typeof rate !== 'object') throw new TypeError(`${what} must be an object { limit, interval }, got ${describe(rate)}`);
  for (const key of Object.keys(rate)) {
    if (key !== 'limit' && key !== 'interval') throw new TypeError(`unknown key '${key}' in ${what} (known: limit, interval)`);
  }
  const { limit, interval } = rate;
  if (limit === undefined || interval === undefined) throw new TypeError(`${what} needs both limit and interval, got ${describe(rate)}`);
  if (!(Number.isInteger(limit) && limit >= 1 && limit < 2 ** 32)) throw new RangeError(`${what}.limit must be a positive integer (starts per interval), got ${describe(limit)}`);
  if (!(typeof interval === 'number' && Number.isFinite(interval) && interval > 0)) throw new RangeError(`${what}.interval must be a positive finite number of milliseconds, got ${describe(interval)}`);
  return [limit, interval];
}

/**
 * The `pools` option (SPEC §12), `{ name: capacity }` or `{ name: {
 * capacity?, rate? } }`, as four numbers per pool: its number (see
 * pools.mjs), its capacity (a positive integer; none: 2^32 - 1), and its
 * rate limit (or 0, 0).
 */
function readPools(pools) {
  if (pools === null || typeof pools !== 'object' || Array.isArray(pools)) throw new TypeError(`pools must be an object of capacities by pool name, got ${describe(pools)}`);
  const numbers = [];
  for (const name of Object.keys(pools)) {
    if (name === '') throw new RangeError('a pool name must not be empty');
    let value = pools[name];
    let rate = [0, 0];
    if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        if (key !== 'capacity' && key !== 'rate') throw new TypeError(`unknown key '${key}' in pool '${name}' (known: capacity, rate)`);
      }
      if (value.rate !== undefined) rate = readRate(value.rate, `the rate of pool '${name}'`);
      else if (value.capacity === undefined) throw new TypeError(`pool '${name}' needs a capacity or a rate, got ${describe(value)}`);
      value = value.capacity ?? Infinity;
    }
    if (typeof value !== 'number') throw new TypeError(`the capacity of pool '${name}' must be a number, got ${describe(value)}`);
    if (value !== Infinity && !(Number.isInteger(value) && value >= 1 && value < 2 ** 32 - 1)) {
      throw new RangeError(`the capacity of pool '${name}' must be a positive integer or Infinity, got ${describe(value)}`);
    }
    numbers.push(poolNumber(name), value === Infinity ? 2 ** 32 - 1 : value, ...rate);
  }
  return numbers;
}
