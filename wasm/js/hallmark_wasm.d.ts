// Types of hallmark-wasm: the same functions and report types as the generated core module.
export * from "./hallmark_wasm_core.js";
export { default } from "./hallmark_wasm_core.js";
