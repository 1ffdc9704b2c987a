// Types of hallmark-wasm: the report types of the generated core module, and
// the functions of hallmark_wasm.js.
import type {
  Answer, InitInput, InitOutput, Kind, Report, SyncInitInput, VerifyOptions, Words,
} from "./hallmark_wasm_core.js";

export type {
  Action, Answer, ErrorKind, HallmarkError, Ingredient, InitInput, InitOutput, Kind, Policy, PolicyEntry,
  Report, Signer, State, Status, SyncInitInput, VerifyOptions, Words,
} from "./hallmark_wasm_core.js";

/**
 * Verify the Content Credentials of a file's bytes. `mimeType` is what the
 * caller believes the file is; its content decides. Resolves with the line
 * `hallmark verify --json` prints (`file` is `options.name`, or `null`);
 * rejects with a `HallmarkError` saying why: `kind` `"bad_input"` when the
 * bytes cannot be parsed, `"bad_setup"` when a trust anchor cannot be used,
 * `"bad_request"` for an unknown option or an argument of the wrong type.
 */
export function verify(bytes: Uint8Array | ArrayBuffer, mimeType: string, options?: VerifyOptions | null): Promise<Report>;

/**
 * The media type `verify` would read the bytes as (`"image/jpeg"`,
 * `"application/pdf"`…, as in the report's `format`), or `undefined` when it
 * would refuse them. Only the first bytes are looked at.
 */
export function formatOf(bytes: Uint8Array | ArrayBuffer, mimeType: string, options?: VerifyOptions | null): string | undefined;

/**
 * May the verified file be used for `kind`? Only intact credentials answer;
 * broken or absent ones give `"unknown"`, and a constrained use is never
 * `"allowed"` — the same rule as the library and the CLI.
 */
export function mayUse(report: Report, kind: Kind): Answer;

/**
 * The words hallmark uses for people, from the library: the words the CLI
 * prints. Show reports in these rather than in copies of your own.
 */
export function words(): Words;

/** Run the engine's hashing code briefly; `init()` does this already. */
export function warmUp(): void;

/**
 * Load the core module (by default `hallmark_wasm_bg.wasm` next to this file)
 * and warm it up. The PDF module is fetched from next to this file when a PDF
 * is first verified.
 */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/** Load the core module synchronously from its bytes or a compiled module, and warm it up. */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
