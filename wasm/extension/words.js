// Formatting helpers for verification reports, shared by the content script
// (badges) and the report page. A classic script: it defines one global,
// `hallmarkWords`, in whichever world loads it (a content script's isolated
// world does not share it with the page).
//
// The words themselves are the library's: the service worker sends its
// catalogue (the package's words(), the words the CLI prints) with every
// report, and the helpers here that need words take it as `catalogue`.
//
// Everything here builds plain strings; callers put them into the page with
// textContent / setAttribute only, since reports are untrusted input.

globalThis.hallmarkWords = (() => {
  /**
   * Text from a report made safe to show: control characters and bidi
   * overrides (which could make "gpj.exe" read as "exe.jpg") become visible
   * escapes, as the CLI does.
   */
  function clean(text) {
    return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  }

  /** "Example Creator (hallmark examples)", or null without a signer. */
  function signerName(report, catalogue) {
    const s = report.signer;
    if (!s) return null;
    const name = s.common_name || s.organization || catalogue.phrases.unnamedSigner;
    return clean(s.organization && s.organization !== name ? `${name} (${s.organization})` : name);
  }

  /**
   * When it was signed: a time-stamp authority's time if there is one, else
   * the time the signer states for its first action (and says so), as the CLI
   * does. Null when neither is there.
   */
  function signedWhen(report, catalogue) {
    if (report.signed_at) return formatDate(report.signed_at);
    const made = (report.actions || []).find((a) => a.when);
    return made ? `${formatDate(made.when)} ${catalogue.phrases.statedBySigner}` : null;
  }

  /** A date string from the report in the reader's locale, or as given. */
  function formatDate(text) {
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? clean(text) : d.toLocaleString();
  }

  /**
   * The failure statuses, "signer not on your list" last (and left out for
   * intact credentials, whose verdict says it already).
   */
  function problems(report) {
    const untrusted = (s) => s.code === 'signingCredential.untrusted';
    return (report.statuses || [])
      .filter((s) => s.kind === 'failure' && !(report.state === 'valid' && untrusted(s)))
      .sort((a, b) => untrusted(a) - untrusted(b));
  }

  /**
   * What a policy entry says, in the library's words (as the CLI says it):
   * "not allowed", "only on terms: ask first", "not stated" for no entry.
   */
  function describeUse(catalogue, entry) {
    const uses = catalogue.uses;
    if (!entry) return uses.unspecified;
    if (entry.use === 'constrained') {
      const terms = entry.constraint_info;
      // A function as the replacement: the terms are text, never a pattern.
      return typeof terms === 'string'
        ? uses.constrained.replace(catalogue.terms, () => clean(terms))
        : uses.constrainedWithoutTerms;
    }
    return entry.use === 'allowed' || entry.use === 'notAllowed' ? uses[entry.use] : clean(entry.use);
  }

  /** The state's plain sentence, e.g. "Signed and intact, …". */
  function explainState(catalogue, state) {
    return Object.hasOwn(catalogue.states, state) ? catalogue.states[state].explain : null;
  }

  /** The badge's short text, e.g. "CR ✓ · no AI training"; null for states that get no badge. */
  function badgeLabel(state, aiTraining) {
    if (state === 'invalid') return 'CR ✗ tampered';
    if (state !== 'trusted' && state !== 'valid') return null;
    const policy = {
      notAllowed: ' · no AI training',
      allowed: ' · AI training OK',
      constrained: ' · AI training limited',
    }[aiTraining] || '';
    return `CR ✓${policy}`;
  }

  /** The badge's tooltip: the whole verdict in a few plain sentences, in the catalogue's words. */
  function badgeTitle(report, catalogue, identities = []) {
    const lines = [`Content Credentials — ${explainState(catalogue, report.state) ?? clean(report.state)}`];
    const signer = signerName(report, catalogue);
    if (signer) {
      const issuer = report.signer.issuer ? `, certificate issued by ${clean(report.signer.issuer)}` : '';
      lines.push(`Signer: ${signer}${issuer}.`);
    }
    // Each identity in the library's words, with its own verdict: shown, never a verdict on the image.
    for (const identity of identities) lines.push(`Identity: ${clean(identity.words)}.`);
    if (report.state === 'valid') lines.push("To trust this signer, add its CA certificate on the extension's options page.");
    // Intact credentials answer with what the policy says, as the CLI does.
    const intact = report.state === 'trusted' || report.state === 'valid';
    if (intact && report.policy_label == null) {
      lines.push(`${catalogue.phrases.noPolicy}.`);
    } else if (intact) {
      for (const { kind, words } of catalogue.kinds) {
        lines.push(`${words}: ${describeUse(catalogue, report.policy?.[kind])}.`);
      }
    }
    const found = problems(report);
    if (found.length) {
      lines.push('Problems:');
      for (const s of found.slice(0, 3)) lines.push(`• ${clean(s.explanation || s.code)}`);
    }
    lines.push('Right-click the image → "Check content credentials" (or click this badge) for the full report.');
    return lines.join('\n');
  }

  /** Whether a report carries an intact manifest a repository recovered for it. */
  function recoveredIntact(report) {
    const state = report?.recovered?.state;
    return state === 'trusted' || state === 'valid';
  }

  /**
   * The kinds of use a recovered manifest restricts, by decide()'s answers:
   * [{kind, words, answer}] for "notAllowed" and "constrained" only (a
   * recovered manifest can only restrict).
   */
  function restricted(decisions, catalogue) {
    return catalogue.kinds
      .map(({ kind, words }) => ({ kind, words, answer: decisions?.[kind]?.answer }))
      .filter(({ answer }) => answer === 'notAllowed' || answer === 'constrained');
  }

  /**
   * The badge of recovered credentials: "recovered: not for AI training", or
   * the kinds it restricts ("recovered: not for data mining"), or
   * "recovered: no restriction".
   */
  function recoveredLabel(decisions, catalogue) {
    const training = decisions?.ai_training?.answer;
    if (training === 'notAllowed') return 'recovered: not for AI training';
    if (training === 'constrained') return 'recovered: AI training on terms';
    // "Data mining" → "data mining", but "AI inference" stays as it is.
    const inSentence = (words) => (/^.[a-z]/.test(words) ? words.charAt(0).toLowerCase() + words.slice(1) : words);
    const kinds = restricted(decisions, catalogue).map(({ words }) => inSentence(words));
    return kinds.length ? `recovered: not for ${kinds.join(', ')}` : 'recovered: no restriction';
  }

  /** The tooltip of a recovered badge: where the credentials came from, and what they restrict. */
  function recoveredTitle(report, decisions, catalogue) {
    const r = report.recovered;
    const lines = ['Content Credentials recovered — this copy has none of its own, but a repository '
      + 'holds a signed manifest for a picture that looks the same.'];
    lines.push(`Repository: ${clean(r.repository)} (similarity ${Number(r.similarity)} %).`);
    const signer = signerName(r, catalogue);
    if (signer) lines.push(`Signer: ${signer} (${explainState(catalogue, r.state) ?? clean(r.state)})`);
    for (const { kind, words } of catalogue.kinds) {
      const answer = decisions?.[kind]?.answer ?? 'unknown';
      lines.push(`${words}: ${catalogue.answers[answer] ?? clean(answer)}.`);
    }
    const why = decisions?.ai_training?.explain;
    if (why) lines.push(`${why.charAt(0).toUpperCase()}${why.slice(1)}.`);
    lines.push('Right-click the image → "Check content credentials" (or click this badge) for the full report.');
    return lines.join('\n');
  }

  return {
    clean, signerName, signedWhen, formatDate, problems, describeUse, explainState, badgeLabel, badgeTitle,
    recoveredIntact, restricted, recoveredLabel, recoveredTitle,
  };
})();
