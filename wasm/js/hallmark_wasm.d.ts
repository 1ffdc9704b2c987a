// Types of hallmark-wasm: the report types of the generated core module, and
// the functions of hallmark_wasm.js.
import type {
  Answer, Decision, Fingerprint, FingerprintOptions, Identity, InitInput, InitOutput, Kind, Recovered,
  RecoverFileOptions, RecoverOptions, Report, SyncInitInput, VerifyOptions, Words,
} from "./hallmark_wasm_core.js";

export type {
  Action, Answer, Basis, ChainLink, Decision, ErrorKind, Fingerprint, FingerprintOptions, HallmarkError, Identity,
  IdentityCode, Ingredient, InitInput, InitOutput, Kind, Policy, PolicyChain, PolicyEntry, Recovered, RecoverFileOptions,
  RecoverOptions, Report, Widening,
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

// ---------------------------------------------------------------- signing

/**
 * Credentials that sign in this browser. `key` is a non-extractable Ed25519
 * `CryptoKey`: it signs, and nothing (not `exportKey`) gets the key out of it.
 * The object survives `structuredClone`, so a page keeps it in IndexedDB.
 */
export interface Credentials {
  key: CryptoKey;
  /** The signer certificate, then the CA's (PEM): what goes into every manifest. */
  certificateChainPem: string;
  /** The local CA's certificate: what a verifier trusts to show the work as yours. */
  caCertificatePem: string;
  /** The signer's name, as verifiers show it ("Signed by NAME"). */
  name: string;
}

/**
 * The CLI's credentials folder, as files: both keys encrypted under the
 * passphrase (scrypt and AES-256, as `hallmark keygen`). Written to a folder,
 * `hallmark sign --credentials FOLDER` signs with it.
 */
export interface CredentialsBackup {
  "chain.pem": string;
  "signer.key": string;
  "ca.pem": string;
  "ca.key": string;
}

/** What `createCredentials` takes. */
export interface CreateCredentialsOptions {
  /** Who signs: verifiers show "Signed by NAME". */
  name: string;
  /** Encrypts both keys of the backup. */
  passphrase: string;
  organization?: string;
  email?: string;
  /** How long the signer certificate is valid: 5 years unless given (1–50); the CA's, five years more. */
  years?: number;
}

/**
 * A use of the work in a policy: allowed, not allowed, or allowed on terms
 * (`{constrained: "ask first"}`).
 */
export type UseChoice = "allowed" | "notAllowed" | { constrained: string | null };

/** What `sign` takes, as `hallmark sign`'s options. */
export interface SignOptions {
  /**
   * The training-and-data-mining policy, per kind of use; every kind not
   * given is not allowed. E.g. `{data_mining: "allowed", ai_inference: {constrained: "ask first"}}`.
   */
  policy?: Partial<Record<Kind, UseChoice>>;
  /** The work's title (default: `name`). */
  title?: string;
  /** Who made the work (a schema.org CreativeWork author). */
  author?: string;
  /** How it was made: an IPTC digital source type term: "digitalCreation" (the default), "digitalCapture", "humanEdits", … */
  sourceType?: string;
  /** The file's name: the label in errors and the default title; its extension is a format claim. */
  name?: string;
  /** Write the policy into the file's XMP too (IPTC `plus:DataMining`); default true. */
  iptc?: boolean;
  /** Record the image's fingerprint as a soft binding (`io.iscc.v0`); default true. */
  softBinding?: boolean;
}

/** Where `publish` sends a manifest. */
export interface PublishOptions {
  /** The repository's base URL; its API is under `/v1`. */
  repository: string;
  /** A token with the `publish` scope, sent as `Authorization: Bearer TOKEN`. */
  token?: string;
  /** The file's name, for errors. */
  name?: string;
}

/** What a repository says about a published manifest. */
export interface Published {
  manifestId: string;
  /** false when the repository held the manifest already. */
  created: boolean;
}

/**
 * Make credentials in the browser, as `hallmark keygen` does: a local CA and a
 * signer certificate. The signer's key is imported into WebCrypto
 * non-extractable at once. `backup` is the only copy of the key that can leave
 * the browser: losing it and the browser's storage means new credentials.
 * Rejects with `"bad_request"` for a missing name or passphrase, `"environment"`
 * when the browser has no Ed25519 WebCrypto or no secure context.
 */
export function createCredentials(
  options: CreateCredentialsOptions,
): Promise<{ credentials: Credentials; backup: CredentialsBackup }>;

/**
 * Open a credentials folder (`hallmark keygen`'s, or a backup): `chain.pem`
 * and `signer.key`, the key decrypted with `passphrase` and imported
 * non-extractable. Rejects with `"bad_setup"` for a wrong passphrase, a damaged
 * file or a key that does not match the chain.
 */
export function importCredentials(
  files: { "chain.pem": string; "signer.key": string; "ca.pem"?: string; "ca.key"?: string },
  passphrase: string,
): Promise<Credentials>;

/**
 * Sign a file's bytes: the manifest `hallmark sign` makes, with the same
 * policy, soft binding and IPTC mirror. JPEG, PNG, WebP, GIF, TIFF, DNG,
 * HEIF/AVIF, MP4/MOV, MP3, WAV, AVI, FLAC, SVG and JPEG XL, as the CLI. Resolves
 * with the signed file; rejects with `"bad_input"` for a file that cannot be
 * signed (`message` names it). Nothing leaves the page.
 */
export function sign(
  bytes: Uint8Array | ArrayBuffer, mimeType: string, credentials: Credentials, options?: SignOptions | null,
): Promise<Uint8Array>;

/**
 * Publish a signed file's manifest to a repository, so that copies that lost
 * their credentials can be found (`hallmark publish`). The repository must
 * allow the page's origin to publish (CORS).
 */
export function publish(bytes: Uint8Array | ArrayBuffer, mimeType: string, options: PublishOptions): Promise<Published>;

/**
 * The nginx configuration for a site serving these files, as
 * `hallmark headers --nginx` prints it: a `map` per header and the
 * `add_header` lines (each report from `verify`).
 */
export function nginxSnippet(files: { uri: string; report: Report }[]): Promise<string>;

/** Load the core module synchronously from its bytes or a compiled module, and warm it up. */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
