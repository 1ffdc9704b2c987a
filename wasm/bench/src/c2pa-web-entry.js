// @contentauth/c2pa-web as a page would ship it: its ESM entry and its two small
// dependencies (highgain, ts-deepmerge) bundled by run.sh into one minified file.
// Its wasm (c2pa_bg.wasm) is served separately and passed as `wasmSrc`.
export { createC2pa } from '@contentauth/c2pa-web';
