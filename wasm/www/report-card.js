// One result card per file, in the plain words of `hallmark verify`: the
// library's words, which the package's words() gives (`words` below, handed
// over by the worker), so the card says what the CLI says.
//
// Everything that comes from a file (names, titles, explanations, the JSON)
// is set with textContent: reports come from untrusted files.

import { formatBytes, formatDuration } from './files.js';

/** An element with a class and text; children are appended. */
function el(tag, className, text, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  node.append(...children);
  return node;
}

/** A new card for a file waiting in the queue. */
export function queuedCard(file, mimeType) {
  const card = el('article', 'report');
  card.dataset.file = file.name;
  card.dataset.state = 'queued';
  const head = el('header', 'report-head',
    null,
    el('h3', 'file-name', file.name),
    el('p', 'meta', [formatBytes(file.size), mimeType || 'type unknown'].join(' · ')));
  card.append(head, el('p', 'verdict', 'Waiting…'));
  return card;
}

/** The card's file is being verified now. */
export function markVerifying(card) {
  card.dataset.state = 'verifying';
  card.querySelector('.verdict').textContent = 'Verifying…';
}

/**
 * Fill the card with a verification report, in `words` (the package's
 * words()). `lookedUp` says what "look it up" found ({repository, found,
 * error?}), or is null when the file was not looked up. `identities` holds
 * each identity of the report in the library's words ({state, words}, from
 * describeIdentity()).
 */
export function showReport(card, report, answers, ms, words, why = {}, lookedUp = null, identities = []) {
  resetBody(card, report.state, ms);
  const body = card.querySelector('.report-body');
  body.append(el('p', 'verdict', words.states[report.state]?.describe ?? report.state));
  if (lookedUp) body.append(lookupBlock(report, lookedUp, words));

  if (report.state !== 'none') {
    const failures = report.statuses.filter((s) => s.kind === 'failure');
    if (failures.length > 0) {
      const list = el('ul', 'failures');
      for (const failure of failures) {
        const item = el('li', null, null, el('code', 'code', failure.code));
        item.dataset.code = failure.code;
        if (failure.explanation) item.append(' ', failure.explanation);
        list.append(item);
      }
      body.append(list);
    }
    const signer = signerLine(report, words);
    if (signer) body.append(signer);
    // Shown, never used to decide: an unverified identity leaves the verdict as it is.
    for (const identity of identities) {
      const line = el('p', 'identity', `Identity: ${identity.words}`);
      line.dataset.state = identity.state;
      body.append(line);
    }
    const about = aboutLine(report);
    if (about) body.append(el('p', 'about', about));
    body.append(policyBlock(report, answers, words));
  }

  card.append(answerBox(report, answers.ai_training, words, why.ai_training), rawDetails(report));
}

/**
 * The file could not be verified at all (unreadable or unparseable bytes).
 * `words` is null when the verifier could not even be loaded.
 */
export function showError(card, message, ms, words) {
  resetBody(card, 'error', ms);
  card.querySelector('.report-body').append(el('p', 'verdict', message));
  card.append(answerBox(null, 'unknown', words));
}

/**
 * What "look it up" found: the recovered manifest (repository, similarity,
 * signer, its verdict), or that nothing matched, or why the lookup failed.
 * `card.dataset.lookup` is "found", "none" or "failed".
 */
function lookupBlock(report, lookedUp, words) {
  const card = el('div', 'recovered');
  const recovered = report.recovered;
  if (recovered) {
    card.dataset.lookup = 'found';
    card.append(el('p', 'recovered-head', 'Recovered from a repository'));
    const signer = recovered.signer?.common_name ?? recovered.signer?.organization ?? words.phrases.unnamedSigner;
    card.append(el('p', 'recovered-match',
      `${recovered.repository} holds credentials for a picture that looks the same `
      + `(similarity ${recovered.similarity} %, ${recovered.distance} of 256 bits differ), signed by ${signer}: `
      + `${words.states[recovered.state]?.describe ?? recovered.state}.`));
  } else if (lookedUp.error) {
    card.dataset.lookup = 'failed';
    card.append(el('p', 'lookup-note', `Not looked up in ${lookedUp.repository}: ${lookedUp.error}`));
  } else {
    card.dataset.lookup = 'none';
    card.append(el('p', 'lookup-note', `${lookedUp.repository} holds no credentials for this picture.`));
  }
  return card;
}

/** The legend's list: what each state means, in the library's words. */
export function legendItems(words) {
  // The states in the order of the verdicts, best first.
  return ['trusted', 'valid', 'invalid', 'none'].map((state) =>
    el('li', `legend-${state}`, null, el('strong', null, state), ` ${words.states[state].explain}`));
}

/** What a policy entry says, in the library's words: "not allowed", "only on terms: ask first", … */
function describeUse(words, entry) {
  const { uses } = words;
  if (entry == null) return uses.unspecified;
  if (entry.use === 'constrained') {
    const terms = entry.constraint_info;
    // A function as the replacement: the terms are text, never a pattern.
    return typeof terms === 'string' ? uses.constrained.replace(words.terms, () => terms) : uses.constrainedWithoutTerms;
  }
  return entry.use === 'allowed' || entry.use === 'notAllowed' ? uses[entry.use] : String(entry.use);
}

/** The words with a capital first letter, to start a sentence. */
function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Clear what the card showed while waiting, and set its final state. */
function resetBody(card, state, ms) {
  card.dataset.state = state;
  card.querySelector(':scope > .verdict')?.remove();
  if (ms != null) {
    card.querySelector('.meta').textContent += ` · checked in ${formatDuration(ms)}`;
  }
  card.append(el('div', 'report-body'));
}

/** "Signed by NAME (ISSUER) on YYYY-MM-DD", the date marked when only the signer states it. */
function signerLine(report, words) {
  const { signer } = report;
  if (!signer) return null;
  const line = el('p', 'signer');
  let text = `Signed by ${signer.common_name ?? signer.organization ?? words.phrases.unnamedSigner}`;
  if (signer.issuer) text += ` (${signer.issuer})`;
  const day = (time) => time.split('T')[0];
  const stated = report.actions.find((a) => a.when)?.when;
  if (report.signed_at) {
    text += ` on ${day(report.signed_at)}`;
  } else if (stated) {
    line.append(`${text} on ${day(stated)} `, el('span', 'stated', words.phrases.statedBySigner));
    return line;
  }
  line.textContent = text;
  return line;
}

/** "Title: … · made with … · N manifests in its history", or null when none is known. */
function aboutLine(report) {
  const parts = [];
  if (report.title) parts.push(`Title: ${report.title}`);
  if (report.claim_generator) parts.push(`made with ${report.claim_generator}`);
  if (report.manifest_count > 1) parts.push(`${report.manifest_count} manifests in its history`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** One line per kind of use, e.g. "AI training: not allowed". */
function policyBlock(report, answers, words) {
  const block = el('div', 'policy');
  if (report.policy_label == null) {
    block.append(el('p', 'policy-none', words.phrases.noPolicy));
    return block;
  }
  if (report.state === 'invalid') {
    block.append(el('p', 'policy-caveat', words.phrases.policyAsWritten));
  }
  const list = el('ul', 'policy-list');
  for (const { kind, words: kindWords } of words.kinds) {
    const entry = report.policy[kind];
    const item = el('li', null, `${kindWords}: ${describeUse(words, entry)}`);
    item.dataset.kind = kind;
    item.dataset.use = entry?.use ?? 'unspecified';
    // The colour follows the answer, so nothing in broken credentials looks reassuring.
    item.dataset.answer = answers[kind];
    list.append(item);
  }
  block.append(list);
  return block;
}

/** The prominent answer: may this file be used to train AI? `report` is null when the file could not be read. */
function answerBox(report, answer, words, why) {
  const box = el('div', 'answer-box');
  const p = el('p', 'answer', null,
    el('span', 'question', 'May this be used to train AI?'), ' ',
    el('strong', 'reply', answerWords(report, answer, words, why)));
  p.dataset.kind = 'ai_training';
  p.dataset.answer = answer;
  box.append(p);
  const name = report?.signer?.common_name ?? report?.signer?.organization;
  if (name && report.state === 'trusted') {
    box.append(el('p', 'answer-note', `Signed by ${name}, under your trust list.`));
  } else if (name && report.state === 'valid') {
    box.append(el('p', 'answer-note', `Signed by ${name}; identity not vouched for by your trust list.`));
  }
  return box;
}

/**
 * The reply to the page's question: the library's answer in words, and why,
 * in this page's words (or the library's, for `basis`: why an answer rests
 * on something other than the file's credentials). `words` is null only when
 * the verifier could not be loaded, and then there is no answer to give, only
 * the reason.
 */
function answerWords(report, answer, words, basis) {
  // An answer that does not rest on the file's own credentials (an unsigned
  // statement in its XMP) says what it rests on, in the library's words.
  if (basis && answer !== 'unknown') return reply(basis);
  function reply(why) {
    if (!words) return `${capitalised(why)}.`;
    return `${capitalised(words.answers[answer] ?? words.answers.unknown)} — ${why}.`;
  }
  switch (answer) {
    case 'allowed': return reply('the creator said yes');
    case 'notAllowed': return reply('the creator said no');
    // The terms are the answer's reason: what the policy says, terms and all.
    case 'constrained': return capitalised(describeUse(words, report.policy.ai_training));
    case 'unspecified': {
      const kind = words.kinds.find((k) => k.kind === 'ai_training')?.words ?? 'ai_training';
      return reply(`the creator said nothing about ${kind}`);
    }
    default:
      if (!report) return reply('the file could not be read');
      if (report.state === 'none') return reply('the file has no Content Credentials');
      return reply('the credentials are broken');
  }
}

/** The whole report as JSON, for the curious. */
function rawDetails(report) {
  return el('details', 'raw', null,
    el('summary', null, 'Raw report (JSON)'),
    el('pre', null, null, el('code', null, JSON.stringify(report, null, 2))));
}
