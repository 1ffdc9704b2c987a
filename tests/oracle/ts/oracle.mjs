#!/usr/bin/env node
// Interop oracle over @trustnxt/c2pa-ts: an independent C2PA implementation driven
// from the command line. See README.md for the JSON contract.
//
// Every subcommand prints exactly one JSON object on stdout and exits 0 on success;
// on failure it prints {"error": "..."} on stdout and exits 1. Anything else
// (library logging, Node warnings) goes to stderr.

import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import { X509Certificate } from '@peculiar/x509';
import { BMFF, JPEG, MP3, PNG } from '@trustnxt/c2pa-ts/asset';
import { CoseAlgorithmIdentifier, LocalSigner } from '@trustnxt/c2pa-ts/cose';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import {
    ActionAssertion,
    ActionType,
    AssertionLabels,
    ClaimVersion,
    DataHashAssertion,
    DigitalSourceType,
    IngredientAssertion,
    ManifestStore,
    TrainingAndDataMiningAssertion,
    ValidationResult,
} from '@trustnxt/c2pa-ts/manifest';

// Keep stdout clean: route every console method that writes to stdout to stderr. (c2pa-ts
// itself does not log as of 0.9.4; this guards against dependencies and future versions.)
for (const method of ['log', 'info', 'debug', 'dir', 'table']) {
    console[method] = (...args) => console.error(...args);
}

const CLAIM_GENERATOR = 'c2pa-ts-oracle';

/** Asset classes the library offers, in detection order (MP3's sniffing is loose, so it goes last). */
const READ_FORMATS = [
    ['JPEG', JPEG],
    ['PNG', PNG],
    ['HEIF/BMFF', BMFF],
    ['MP3', MP3],
];
/** The subset this oracle signs. */
const SIGN_FORMATS = new Set(['JPEG', 'PNG']);

const TRAINING_LABELS = [AssertionLabels.cawgTrainingAndDataMining, AssertionLabels.trainingAndDataMining];
const TRAINING_USES = new Set(['allowed', 'notAllowed', 'constrained']);
const DEFAULT_USES = ['ai_training', 'ai_generative_training', 'ai_inference', 'data_mining'];

/** Default policy: everything notAllowed, keys in the label's namespace (cawg.* or c2pa.*). */
function defaultEntries(label) {
    const prefix = label.split('.')[0];
    return Object.fromEntries(DEFAULT_USES.map(use => [`${prefix}.${use}`, { use: 'notAllowed' }]));
}

/**
 * Failure codes that only say "no trust anchor vouches for this" – c2pa-ts does no
 * trust-list validation, so these are reported in `statuses` but do not make a
 * manifest invalid.
 */
const TRUST_ONLY_CODES = new Set(['signingCredential.untrusted', 'timeStamp.untrusted']);

/** Success codes proving that a hard binding was actually checked against the asset bytes. */
const BINDING_MATCH_CODES = new Set([
    'assertion.dataHash.match',
    'assertion.bmffHash.match',
    'assertion.boxesHash.match',
    'assertion.collectionHash.match',
]);

/** Oracle-specific failure code, see `decideValidity`. */
const BINDING_UNVERIFIED = 'oracle.binding.unverified';

/** An error whose message is reported verbatim as {"error": message}. */
class OracleError extends Error {}

const USAGE = [
    'usage:',
    '  oracle.mjs sign IN OUT --chain PEM --key KEY [--policy JSONFILE | --no-policy] [--label LABEL] [--title T]',
    '                         [--claim-version 1|2]',
    '  oracle.mjs read FILE',
].join('\n');

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/** Reads a file as bytes, or as text when an encoding is given. */
async function readInput(path, encoding) {
    try {
        const data = await readFile(path, encoding);
        return encoding ? data : new Uint8Array(data);
    } catch (e) {
        throw new OracleError(`cannot read ${path}: ${e.message}`);
    }
}

/** Picks the library's asset class for a buffer; returns [formatName, AssetClass] or undefined. */
function detectFormat(buf) {
    return READ_FORMATS.find(([, cls]) => cls.canRead(buf));
}

function openAsset(path, buf, allowed) {
    const detected = detectFormat(buf);
    if (!detected || (allowed && !allowed.has(detected[0]))) {
        const what = detected ? `${detected[0]} is not supported by this subcommand`
            : 'format not recognised by c2pa-ts';
        throw new OracleError(`unsupported: ${path}: ${what}`);
    }
    const [name, AssetClass] = detected;
    try {
        return new AssetClass(buf);
    } catch (e) {
        throw new OracleError(`cannot parse ${path} as ${name}: ${e.message}`);
    }
}

// ---------------------------------------------------------------------------------------------
// sign
// ---------------------------------------------------------------------------------------------

/** Splits a PEM bundle into X509Certificate objects, in file order. */
function loadChain(pemText, path) {
    const blocks = pemText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (!blocks.length) throw new OracleError(`no certificates in ${path}`);
    try {
        return blocks.map(b => new X509Certificate(b));
    } catch (e) {
        throw new OracleError(`cannot parse certificate in ${path}: ${e.message}`);
    }
}

/**
 * Loads an unencrypted PKCS#8 PEM Ed25519 key as DER. Also checks that it belongs to the
 * signer certificate, so a mismatched pair fails here instead of producing a manifest with
 * a bad signature.
 *
 * Only Ed25519: c2pa-ts 0.9.4 can sign ECDSA too, but writes the COSE signature in ASN.1/DER
 * form instead of r|s, which c2pa-rs rejects (signingCredential.invalid, claimSignature.mismatch).
 */
function loadKey(pemText, path, certificate) {
    let key;
    try {
        key = createPrivateKey({ key: pemText, format: 'pem' });
    } catch (e) {
        throw new OracleError(`cannot parse private key ${path}: ${e.message}`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
        throw new OracleError(`unsupported key type in ${path}: ${key.asymmetricKeyType} (only Ed25519)`);

    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    if (!Buffer.from(certificate.publicKey.rawData).equals(spki))
        throw new OracleError(`private key ${path} does not match the signer certificate`);

    return new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
}

/** Reads a {"entries": {KEY: {"use": ..., "constraint_info"?: ...}}} file into library entries. */
async function loadPolicy(path) {
    const text = await readInput(path, 'utf8');
    let policy;
    try {
        policy = JSON.parse(text);
    } catch (e) {
        throw new OracleError(`cannot parse policy ${path}: ${e.message}`);
    }
    const entries = policy?.entries;
    if (!entries || typeof entries !== 'object' || Array.isArray(entries))
        throw new OracleError(`policy ${path} has no "entries" object`);
    return toLibraryEntries(entries, `policy ${path}`);
}

/** Maps the contract's {use, constraint_info} to the library's {choice, constraintInfo}. */
function toLibraryEntries(entries, where) {
    const out = {};
    for (const [key, entry] of Object.entries(entries)) {
        if (!TRAINING_USES.has(entry?.use))
            throw new OracleError(`${where}: entry ${key} has invalid "use" ${JSON.stringify(entry?.use)}`);
        if (entry.constraint_info !== undefined && typeof entry.constraint_info !== 'string')
            throw new OracleError(`${where}: entry ${key} has non-string "constraint_info"`);
        out[key] = { choice: entry.use };
        if (entry.constraint_info !== undefined) out[key].constraintInfo = entry.constraint_info;
    }
    if (!Object.keys(out).length)
        throw new OracleError(`${where}: no entries (the library cannot write an empty assertion)`);
    return out;
}

async function cmdSign(argv) {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            chain: { type: 'string' },
            key: { type: 'string' },
            policy: { type: 'string' },
            'no-policy': { type: 'boolean', default: false },
            label: { type: 'string', default: AssertionLabels.cawgTrainingAndDataMining },
            title: { type: 'string' },
            'claim-version': { type: 'string', default: '2' },
        },
    });
    if (positionals.length !== 2) throw new OracleError(`sign needs IN and OUT\n${USAGE}`);
    const [inPath, outPath] = positionals;
    if (!values.chain || !values.key) throw new OracleError('sign needs --chain and --key');
    if (values.policy && values['no-policy']) throw new OracleError('--policy and --no-policy are exclusive');
    if (!TRAINING_LABELS.includes(values.label))
        throw new OracleError(`unsupported --label ${values.label}: c2pa-ts writes only ${TRAINING_LABELS.join(', ')}`);
    const claimVersion = { 1: ClaimVersion.V1, 2: ClaimVersion.V2 }[values['claim-version']];
    if (claimVersion === undefined) throw new OracleError('--claim-version must be 1 or 2');

    const asset = openAsset(inPath, await readInput(inPath), SIGN_FORMATS);

    const [certificate, ...chainCertificates] = loadChain(await readInput(values.chain, 'utf8'), values.chain);
    const key = loadKey(await readInput(values.key, 'utf8'), values.key, certificate);
    const signer = new LocalSigner(key, CoseAlgorithmIdentifier.Ed25519, certificate, chainCertificates);

    const entries = values['no-policy'] ? null
        : values.policy ? await loadPolicy(values.policy)
        : toLibraryEntries(defaultEntries(values.label), 'default policy');

    // Build the manifest. Any manifest already in IN is replaced (not kept as an ingredient).
    const store = new ManifestStore();
    const manifest = store.createManifest({
        claimVersion,
        assetFormat: asset.mimeType,
        instanceID: `xmp:iid:${randomUUID()}`,
        defaultHashAlgorithm: 'SHA-256',
        signer,
    });
    manifest.claim.claimGeneratorName = CLAIM_GENERATOR;
    manifest.claim.claimGeneratorVersion = undefined; // else it defaults to the c2pa-ts version
    manifest.claim.title = values.title ?? basename(outPath);

    const actions = new ActionAssertion();
    // v2 claims use the c2pa.actions.v2 schema (the library default); v1 claims the v1 one.
    if (claimVersion === ClaimVersion.V1) actions.label = AssertionLabels.actions;
    actions.actions = [{ action: ActionType.C2paCreated, digitalSourceType: DigitalSourceType.DigitalCapture }];
    manifest.addAssertion(actions);

    if (entries) {
        const training = new TrainingAndDataMiningAssertion(values.label === AssertionLabels.cawgTrainingAndDataMining);
        training.entries = entries;
        manifest.addAssertion(training);
    }

    const dataHash = DataHashAssertion.create('SHA-256');
    manifest.addAssertion(dataHash);

    // Reserve room for the manifest, hash the asset around it, sign, then fill it in.
    await asset.ensureManifestSpace(store.measureSize());
    await dataHash.updateWithAsset(asset);
    await manifest.sign(signer);
    await asset.writeManifestJUMBF(store.getBytes());

    try {
        await writeFile(outPath, await asset.getDataRange());
    } catch (e) {
        throw new OracleError(`cannot write ${outPath}: ${e.message}`);
    }
    return { signed: outPath };
}

// ---------------------------------------------------------------------------------------------
// read
// ---------------------------------------------------------------------------------------------

const isTrustOnlyFailure = s => !s.success && TRUST_ONLY_CODES.has(s.code);

/**
 * The library skips the asset checks as soon as anything failed – including trust-only
 * codes, which the oracle does not count. In that case run the active manifest's
 * hard-binding checks here so `valid` still reflects the content binding.
 */
async function checkBindingsSkippedForTrust(result, manifest, asset) {
    const failures = result.statusEntries.filter(s => !s.success);
    if (!failures.length || !failures.every(isTrustOnlyFailure)) return;
    for (const binding of manifest.assertions?.getHardBindings() ?? []) {
        result.merge(await binding.validateAgainstAsset(asset));
    }
}

/**
 * Decides validity from the library's result (see README):
 *  - failures are entries with success=false, except trust-only codes;
 *  - additionally the hard binding must have been confirmed by a *.match code. The library
 *    stops before the asset checks once a real failure occurred (that failure already makes
 *    the manifest invalid), and it silently "validates" binding types it does not implement
 *    (c2pa.hash.boxes, c2pa.hash.collection.data): then no *.match code appears, and the
 *    oracle adds its own failure code `oracle.binding.unverified`.
 */
function decideValidity(statuses) {
    const failureCodes = statuses.filter(s => !s.success && !isTrustOnlyFailure(s)).map(s => s.code);
    const bindingVerified = statuses.some(s => s.success && BINDING_MATCH_CODES.has(s.code));
    if (!failureCodes.length && !bindingVerified) failureCodes.push(BINDING_UNVERIFIED);
    return { valid: failureCodes.length === 0, failureCodes };
}

function describeTraining(manifest) {
    const assertion = manifest.assertions?.assertions.find(a => a instanceof TrainingAndDataMiningAssertion);
    if (!assertion) return null;
    const entries = {};
    // The library keeps the raw `use` string as `choice`, so the mapping back is exact.
    for (const [key, entry] of Object.entries(assertion.entries)) {
        entries[key] = { use: entry.choice };
        if (entry.constraintInfo !== undefined) entries[key].constraint_info = entry.constraintInfo;
    }
    return { label: assertion.label, entries };
}

function describeIngredients(manifest) {
    return (manifest.assertions?.assertions ?? [])
        .filter(a => a instanceof IngredientAssertion)
        .map(i => ({
            label: i.fullLabel ?? i.label,
            title: i.title ?? null,
            format: i.format ?? null,
            relationship: i.relationship ?? null,
            instance_id: i.instanceID ?? null,
            has_manifest: Boolean(i.activeManifest ?? i.c2pa_manifest),
        }));
}

async function cmdRead(argv) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new OracleError(`read needs FILE\n${USAGE}`);
    const [path] = positionals;
    const asset = openAsset(path, await readInput(path));

    const out = {
        has_manifest: false,
        valid: null,
        failure_codes: [],
        statuses: [],
        active_manifest: null,
        manifest_count: 0,
        training_mining: null,
        title: null,
        claim_generator: null,
        ingredients: [],
    };

    // Everything from here on maps library exceptions to validation failures, as the
    // library's own README example does, so a broken manifest reads as "invalid".
    let result;
    let store;
    try {
        const jumbf = asset.getManifestJUMBF();
        if (!jumbf) return out;
        out.has_manifest = true;
        store = ManifestStore.read(SuperBox.fromBuffer(jumbf));
        result = await store.validate(asset);
        const active = store.getActiveManifest();
        if (active) await checkBindingsSkippedForTrust(result, active, asset);
    } catch (e) {
        out.has_manifest = true;
        result = ValidationResult.fromError(e);
    }

    out.statuses = result.statusEntries.map(s => ({
        code: s.code,
        explanation: s.explanation ?? null,
        url: s.url ?? null,
        success: Boolean(s.success),
    }));
    const { valid, failureCodes } = decideValidity(out.statuses);
    out.valid = valid;
    out.failure_codes = failureCodes;

    const active = store?.getActiveManifest();
    if (active) {
        out.active_manifest = active.label ?? null;
        out.manifest_count = store.manifests.length;
        out.training_mining = describeTraining(active);
        out.title = active.claim?.title ?? null;
        out.claim_generator = active.claim?.claimGeneratorName ?? null;
        out.ingredients = describeIngredients(active);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

const COMMANDS = { sign: cmdSign, read: cmdRead };

async function main() {
    const [command, ...rest] = process.argv.slice(2);
    const run = COMMANDS[command];
    if (!run) throw new OracleError(`unknown command ${JSON.stringify(command ?? '')}\n${USAGE}`);
    return run(rest);
}

// Exit via exitCode (not process.exit) so a piped stdout is flushed completely.
try {
    process.stdout.write(JSON.stringify(await main()) + '\n');
    process.exitCode = 0;
} catch (e) {
    // parseArgs reports bad options with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const known = e instanceof OracleError || String(e?.code).startsWith('ERR_PARSE_ARGS');
    if (!known) console.error(e);
    process.stdout.write(JSON.stringify({ error: known ? e.message : `internal error: ${e?.message ?? e}` }) + '\n');
    process.exitCode = 1;
}
