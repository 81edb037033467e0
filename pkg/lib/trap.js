// Traps. No input can make the core panic (fuzzed and tested); if a bug
// ever does, wasm traps, which would leave the instance unusable. Every
// entry point is guarded: a trap recreates the instance, drops what pointed
// into the old one (each part's reset), and throws SeriesError
// INTERNAL_TRAP with the trap as cause.

import { failure } from './wire.js';

/** Guards an API's functions, its classes' methods and its profiles. */
export function guardAll(raw, wire, resets, api, classes, profiles) {
  function recover(error) {
    if (!(error instanceof WebAssembly.RuntimeError) || typeof raw.__wbg_reset_state !== 'function') throw error;
    raw.__wbg_reset_state();
    for (const reset of resets) reset();
    const report = failure(wire.take(raw.trapReport()));
    report.cause = error;
    throw report;
  }

  function guard(fn) {
    return function guarded(...args) {
      try {
        const result = fn.apply(this, args);
        return result instanceof Promise ? result.catch(recover) : result;
      } catch (error) {
        return recover(error);
      }
    };
  }

  for (const type of classes) {
    for (const name of Object.getOwnPropertyNames(type.prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(type.prototype, name);
      if (name === 'constructor') continue;
      if (typeof descriptor.value === 'function') descriptor.value = guard(descriptor.value);
      if (typeof descriptor.get === 'function') descriptor.get = guard(descriptor.get);
      Object.defineProperty(type.prototype, name, descriptor);
    }
  }
  for (const profile of Object.values(profiles)) {
    for (const [name, fn] of Object.entries(profile)) profile[name] = guard(fn);
  }
  for (const [name, value] of Object.entries(api)) {
    if (typeof value === 'function' && !/^[A-Z]/.test(name)) api[name] = guard(value);
  }
  // Test hook: traps the instance on purpose (tests/js/trap.test.mjs).
  Object.defineProperty(api, '__trapForTests', { value: guard(() => raw.trapForTests()) });
}
