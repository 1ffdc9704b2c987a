// Compiled with `tsc --strict --noEmit` by the test suite: the package's
// types must describe the report as it really is, and refuse what is wrong.
import init, { verify, mayUse, formatOf, type Report, type Answer, type Kind, type PolicyEntry } from "../pkg/hallmark_wasm.js";

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
  return [state, use, terms, answers, failures, signer, version, withoutOptions.format, wrong, file, format].join();
}
