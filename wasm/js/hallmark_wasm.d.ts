// Types of hallmark-wasm: the report types of the generated core module, and
// the functions of hallmark_wasm.js.
import type {
  Answer, Decision, Fingerprint, FingerprintOptions, Identity, InitInput, InitOutput, Kind, Recovered,
  RecoverFileOptions, RecoverOptions, Report, SyncInitInput, VerifyOptions, Words,
} from "./hallmark_wasm_core.js";

export type {
  Action, Answer, Basis, Decision, ErrorKind, Fingerprint, FingerprintOptions, HallmarkError, Identity, IdentityCode,
  Ingredient, InitInput, InitOutput, Kind, Policy, PolicyEntry, Recovered, RecoverFileOptions, RecoverOptions, Report,
  Signer, SoftBinding, State, Status, SyncInitInput, VerifiedIdentity, VerifyOptions, Words,
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
 * May the verified file be used for `kind`, and on what basis? `mayUse`'s
 * answer, with what it rests on — the file's own credentials, a manifest a
 * repository recovered (it can only restrict: its "allowed" answers
 * `"unspecified"`), or nothing — and the library's words for why.
 */
export function decide(report: Report, kind: Kind): Decision;

/**
 * The words hallmark uses for people, from the library: the words the CLI
 * prints. Show reports in these rather than in copies of your own.
 */
export function words(): Words;

/**
 * One identity of a report (`report.identities[i]`) in the words `hallmark verify` prints
 * after "Identity: ", e.g. "testuser23 on Behance (claimed via did:web:…; not checked:
 * issuer not pinned)". Identity is shown, never used to decide a policy's answer.
 */
export function describeIdentity(identity: Identity): string;

/**
 * The fingerprint of an image's bytes (JPEG, PNG, WebP, TIFF, GIF): its
 * 256-bit ISCC Image-Code, the soft binding `io.iscc.v0`, computed by the
 * library's code as `hallmark sign` records it. With the default decoder
 * (`"wasm"`) the fingerprint module is fetched on first use and the result is
 * exactly the CLI's. Rejects with a `HallmarkError`: `"bad_input"` for a file
 * that gets no fingerprint or cannot be decoded, `"bad_request"` for a wrong
 * option.
 */
export function fingerprint(
  bytes: Uint8Array | ArrayBuffer, mimeType: string, options?: FingerprintOptions | null,
): Promise<Fingerprint>;

/**
 * Look a fingerprint up in a manifest repository, as `hallmark verify --recover`
 * does: `POST {repository}/v1/matches/byBinding`, then `GET
 * {repository}/v1/manifests/{id}` for up to five candidates, each verified here
 * (signature, certificate against `trustAnchors`, assertions; not the content
 * hash, which a re-encoded copy cannot match) and kept only within 53 bits of
 * the fingerprint. Resolves with the report's `recovered` object, or `null`
 * when nothing matches; rejects with `"environment"` when the repository cannot
 * be asked (a page needs the repository to allow its origin: CORS).
 */
export function recoverFingerprint(fingerprint: Fingerprint, options: RecoverOptions): Promise<Recovered | null>;

/**
 * `fingerprint` the file, then `recoverFingerprint`: the manifest a repository
 * holds for a copy that lost its own, or `null`. Set it as the report's
 * `recovered` and `mayUse` answers by the restrict-only rule.
 */
export function recover(
  bytes: Uint8Array | ArrayBuffer, mimeType: string, options: RecoverFileOptions,
): Promise<Recovered | null>;

/** Run the engine's hashing code briefly; `init()` does this already. */
export function warmUp(): void;

/**
 * Load the core module (by default `hallmark_wasm_bg.wasm` next to this file)
 * and warm it up. The PDF module is fetched from next to this file when a PDF
 * is first verified, the fingerprint module when a file is first fingerprinted.
 */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/** Load the core module synchronously from its bytes or a compiled module, and warm it up. */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
