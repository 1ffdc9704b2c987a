// Compiled with `tsc --strict --noEmit` by the test suite: the package's
// types must describe the report as it really is, and refuse what is wrong.
import init, {
  verify, mayUse, formatOf, words, decide, fingerprint, recover, recoverFingerprint,
  type Report, type Answer, type Kind, type PolicyEntry, type Words, type State, type ErrorKind, type HallmarkError,
  type Fingerprint, type Recovered, type Decision, type Basis,
  createCredentials, importCredentials, sign, publish, nginxSnippet,
  type Credentials, type CredentialsBackup, type SignOptions, type Published,
} from "../pkg/hallmark_wasm.js";

export async function check(bytes: Uint8Array, pem: string): Promise<string> {
  await init();
  const report: Report = await verify(bytes, "image/jpeg", { trustAnchors: [pem], name: "photo.jpg" });
  const withoutOptions: Report = await verify(bytes, "image/png");
  const fromBuffer: Report = await verify(bytes.buffer as ArrayBuffer, "application/octet-stream", null);
  const file: string | null = fromBuffer.file;
  const format: string | undefined = formatOf(bytes, "image/jpeg", { name: "photo.jpg" });
  // @ts-expect-error: not an option (verify rejects it at run time too)
  await verify(bytes, "image/jpeg", { trustAnchor: [pem] });
  // @ts-expect-error: the bytes, not a string
  await verify("photo.jpg", "image/jpeg");
  const state: "trusted" | "valid" | "invalid" | "none" = report.state;
  const training: PolicyEntry | null = report.policy.ai_training;
  const use: "allowed" | "notAllowed" | "constrained" | undefined = training?.use;
  const terms: string | undefined = report.policy.data_mining?.constraint_info;
  const kinds: Kind[] = ["ai_training", "ai_generative_training", "ai_inference", "data_mining"];
  const answers: Answer[] = kinds.map((kind) => mayUse(report, kind));
  const failures = report.statuses.filter((s) => s.kind === "failure").map((s) => s.code);
  const signer: string | null = report.signer?.common_name ?? null;
  const version: 1 = report.schema_version;
  // @ts-expect-error: not a kind of use
  mayUse(report, "training");
  // @ts-expect-error: not a state
  const wrong: Report["state"] = "maybe";

  // The library's words: every state, answer and kind of use has them.
  const catalogue: Words = words();
  const shownState: State = report.state;
  const verdict: string = catalogue.states[shownState].describe;
  const sentence: string = catalogue.states.none.explain;
  const answerWords: string[] = answers.map((answer) => catalogue.answers[answer]);
  const kindWords: string[] = catalogue.kinds.map(({ kind, words }: { kind: Kind; words: string }) => `${kind}: ${words}`);
  const constrained: string = catalogue.uses.constrained.replace(catalogue.terms, () => "ask first");
  const phrases: string[] = [catalogue.phrases.noPolicy, catalogue.uses.constrainedWithoutTerms];
  // @ts-expect-error: not a state
  const noSuchState = catalogue.states.maybe;
  // @ts-expect-error: not an answer
  const noSuchAnswer: string = catalogue.answers.perhaps;

  // Errors say whose problem they are.
  let errorKind: ErrorKind | undefined;
  let errorName: string | undefined;
  try {
    await verify(bytes, "image/jpeg", { trustAnchors: ["not a PEM"] });
  } catch (error) {
    const thrown = error as HallmarkError;
    errorKind = thrown.kind;
    errorName = thrown.name;
    if (thrown.kind === "bad_setup") errorName = thrown.message;
  }
  // @ts-expect-error: not an error kind
  const wrongKind: ErrorKind = "bad_file";

  // Fingerprints and lookups: a stripped copy's credentials, from a repository.
  const fp: Fingerprint = await fingerprint(bytes, "image/jpeg", { name: "photo.jpg" });
  const viaBrowser: Fingerprint = await fingerprint(bytes.buffer as ArrayBuffer, "image/png", { decoder: "browser" });
  const code: string = fp.iscc + viaBrowser.value;
  // @ts-expect-error: not a decoder
  await fingerprint(bytes, "image/jpeg", { decoder: "gpu" });
  const found: Recovered | null = await recover(bytes, "image/jpeg", { repository: "https://repository.example", trustAnchors: [pem] });
  const again: Recovered | null = await recoverFingerprint(fp, { repository: "https://repository.example" });
  // @ts-expect-error: a lookup needs the repository
  await recover(bytes, "image/jpeg", { trustAnchors: [pem] });
  const similarity: number | undefined = found?.similarity;
  const recoveredSigner: string | null | undefined = again?.signer?.common_name;
  if (found) report.recovered = found;
  const decision: Decision = decide(report, "ai_training");
  const basis: Basis = decision.basis;
  const why: string | null = decision.explain;
  // @ts-expect-error: not a basis
  const wrongBasis: Basis = "hearsay";
  return [
    state, use, terms, answers, failures, signer, version, withoutOptions.format, wrong, file, format,
    verdict, sentence, answerWords, kindWords, constrained, phrases, noSuchState, noSuchAnswer, errorKind, errorName,
    wrongKind, code, similarity, recoveredSigner, basis, why, wrongBasis,
  ].join();
}

// Signing, as wasm/README.md shows it.
export async function signing(bytes: Uint8Array, passphrase: string, report: Report): Promise<string> {
  const { credentials, backup } = await createCredentials({ name: "Ada Artist", passphrase });
  const key: CryptoKey = credentials.key;
  const files: CredentialsBackup = backup;
  const signed: Uint8Array = await sign(bytes, "image/jpeg", credentials, {
    name: "sunset.jpg",
    policy: { data_mining: "allowed", ai_inference: { constrained: "ask first" } },
    author: "Ada Artist",
    sourceType: "digitalCapture",
  });
  const plain: Uint8Array = await sign(bytes.buffer as ArrayBuffer, "image/png", credentials);
  const options: SignOptions = { iptc: false, softBinding: false, title: "Sunset" };
  // @ts-expect-error: not a kind of use
  await sign(bytes, "image/jpeg", credentials, { policy: { training: "allowed" } });
  // @ts-expect-error: not a use
  await sign(bytes, "image/jpeg", credentials, { policy: { ai_training: "maybe" } });
  // @ts-expect-error: credentials, not a key
  await sign(bytes, "image/jpeg", key);
  const imported: Credentials = await importCredentials({ "chain.pem": files["chain.pem"], "signer.key": files["signer.key"] }, passphrase);
  // @ts-expect-error: the key file is needed
  await importCredentials({ "chain.pem": files["chain.pem"] }, passphrase);
  const published: Published = await publish(signed, "image/jpeg", { repository: "https://repository.example", token: "t" });
  const nginx: string = await nginxSnippet([{ uri: "/images/sunset.jpg", report }]);
  return [imported.name, published.manifestId, published.created, nginx, plain.length, options.title].join();
}
