// Plain words for verification reports, shared by the content script (badges)
// and the report page. A classic script: it defines one global,
// `hallmarkWords`, in whichever world loads it (a content script's isolated
// world does not share it with the page).
//
// Everything here builds plain strings; callers put them into the page with
// textContent / setAttribute only, since reports are untrusted input.

globalThis.hallmarkWords = (() => {
  /** The kinds of use the creator's policy covers, in display order. */
  const KINDS = [
    ['ai_training', 'AI training'],
    ['ai_generative_training', 'Generative AI training'],
    ['ai_inference', 'AI inference'],
    ['data_mining', 'Data mining'],
  ];

  /** mayUse() answers in words. */
  const ANSWERS = {
    allowed: 'allowed',
    notAllowed: 'not allowed',
    constrained: 'only on terms',
    unspecified: 'not stated',
    unknown: 'unknown',
  };

  const VERDICTS = {
    trusted: 'Signed and intact, by a signer on your trusted list.',
    valid: 'Signed and intact, but the signer is not on your trusted list.',
    invalid: 'Broken: the image or its Content Credentials changed after signing. Nothing they claim can be relied on.',
    none: 'No Content Credentials: this image carries no signed provenance.',
  };

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
  function signerName(report) {
    const s = report.signer;
    if (!s) return null;
    const name = s.common_name || s.organization || 'an unnamed signer';
    return clean(s.organization && s.organization !== name ? `${name} (${s.organization})` : name);
  }

  /**
   * When it was signed: a time-stamp authority's time if there is one, else
   * the time the signer states for its first action (and says so), as the CLI
   * does. Null when neither is there.
   */
  function signedWhen(report) {
    if (report.signed_at) return formatDate(report.signed_at);
    const made = (report.actions || []).find((a) => a.when);
    return made ? `${formatDate(made.when)} (as stated by the signer)` : null;
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

  /** The badge's tooltip: the whole verdict in a few plain sentences. */
  function badgeTitle(report, mayUse) {
    const lines = [`Content Credentials — ${VERDICTS[report.state] || report.state}`];
    const signer = signerName(report);
    if (signer) {
      const issuer = report.signer.issuer ? `, certificate issued by ${clean(report.signer.issuer)}` : '';
      lines.push(`Signer: ${signer}${issuer}.`);
    }
    if (report.state === 'valid') lines.push("To trust this signer, add its CA certificate on the extension's options page.");
    if (report.state === 'trusted' || report.state === 'valid') {
      for (const [kind, label] of KINDS) {
        const answer = ANSWERS[mayUse?.[kind]] || ANSWERS.unknown;
        const terms = report.policy?.[kind]?.constraint_info;
        lines.push(`${label}: ${answer}${terms ? `: ${clean(terms)}` : ''}.`);
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

  return { KINDS, ANSWERS, VERDICTS, clean, signerName, signedWhen, formatDate, problems, badgeLabel, badgeTitle };
})();
