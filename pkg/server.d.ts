// seriesguard/server: the main API over the server build, whose `profiles`
// add each platform's create flow. Import everything a backend uses from
// here: it is one wasm instance, separate from `seriesguard`'s, and a
// SeriesIndex of one cannot be handed to the other. In Node it is ready on
// import; the ES module over the web build (Deno, workers) needs `init()`.
import type { ServerProfiles } from './index.js';

export * from './index.js';

/** Each documented platform's checks and its create flow, exactly as it answers. */
export const profiles: ServerProfiles;

/** Fetches and instantiates the server build's wasm (the web build only). */
export default function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL
): Promise<unknown>;
/** Instantiates synchronously from bytes or a compiled module (the web build only). */
export function initSync(input: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
