// The verify path of @trustnxt/c2pa-ts, bundled for the browser by run.sh (esbuild,
// one minified ESM file). It does what tests/oracle/ts/oracle.mjs `read` does:
// pick the asset class, parse the asset, read the JUMBF manifest store, validate it
// against the asset, and — as the oracle does — run the hard-binding checks itself
// when the library skipped them because of a trust-only failure.

import { BMFF, JPEG, MP3, PNG } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, TrainingAndDataMiningAssertion, ValidationResult } from '@trustnxt/c2pa-ts/manifest';

/** Asset classes the library reads, in the oracle's detection order (MP3's sniffing is loose). */
const READ_FORMATS = [
    ['JPEG', JPEG],
    ['PNG', PNG],
    ['HEIF/BMFF', BMFF],
    ['MP3', MP3],
];
const TRUST_ONLY_CODES = new Set(['signingCredential.untrusted', 'timeStamp.untrusted']);
const isTrustOnlyFailure = s => !s.success && TRUST_ONLY_CODES.has(s.code);

/** Which asset class reads these bytes, or null. */
export function detect(bytes) {
    const found = READ_FORMATS.find(([, cls]) => cls.canRead(bytes));
    return found ? found[0] : null;
}

/** What the BMFF class says about these bytes (for "can it really not read MP4?"). */
export function probeBmff(bytes) {
    let error = null;
    try {
        new BMFF(bytes);
    } catch (e) {
        error = String(e?.message ?? e);
    }
    return { canRead: BMFF.canRead(bytes), constructError: error };
}

/**
 * Verify a file's bytes. Resolves with { format, store, result } or rejects with
 * an Error whose message starts with "unsupported:" when no asset class reads it.
 */
export async function verify(bytes) {
    const found = READ_FORMATS.find(([, cls]) => cls.canRead(bytes));
    if (!found) throw new Error('unsupported: format not recognised by c2pa-ts');
    const [format, AssetClass] = found;
    const asset = new AssetClass(bytes);
    let store = null;
    let result;
    try {
        const jumbf = asset.getManifestJUMBF();
        if (!jumbf) return { format, store: null, result: null };
        store = ManifestStore.read(SuperBox.fromBuffer(jumbf));
        result = await store.validate(asset);
        const active = store.getActiveManifest();
        const failures = result.statusEntries.filter(s => !s.success);
        if (active && failures.length && failures.every(isTrustOnlyFailure)) {
            for (const binding of active.assertions?.getHardBindings() ?? []) {
                result.merge(await binding.validateAgainstAsset(asset));
            }
        }
    } catch (e) {
        result = ValidationResult.fromError(e);
    }
    return { format, store, result };
}

/** A plain summary of what `verify` found (not timed). */
export function summarise({ format, store, result }) {
    const statuses = (result?.statusEntries ?? []).map(s => ({ code: s.code, success: Boolean(s.success) }));
    const active = store?.getActiveManifest();
    const training = active?.assertions?.assertions.find(a => a instanceof TrainingAndDataMiningAssertion);
    const entries = {};
    for (const [key, entry] of Object.entries(training?.entries ?? {})) entries[key] = entry.choice;
    return {
        format,
        manifests: store?.manifests.length ?? 0,
        signingCredential: statuses.filter(s => s.code.startsWith('signingCredential.')).map(s => s.code),
        statuses,
        failures: statuses.filter(s => !s.success && !TRUST_ONLY_CODES.has(s.code)).map(s => s.code),
        trainingLabel: training?.label ?? null,
        training: entries,
    };
}
