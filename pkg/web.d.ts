// The browser build: call `init()` (or `initSync`) once before anything else.
export * from './index.js';

/** Fetches and instantiates seriesguard_bg.wasm (or the given URL, Response or bytes). */
export default function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL
): Promise<unknown>;
/** Instantiates synchronously from bytes or a compiled module. */
export function initSync(input: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
