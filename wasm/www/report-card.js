// One result card per file, in the plain words of `hallmark verify`.
//
// Everything that comes from a file (names, titles, explanations, the JSON)
// is set with textContent: reports come from untrusted files.

import { formatBytes, formatDuration } from './files.js';

const VERDICTS = {
  trusted: 'trusted: intact, and signed under a CA in your trust list',
  valid: 'valid: intact, but the signer is not in your trust list (identity not vouched for)',
  invalid: 'INVALID: these Content Credentials do not hold up',
  none: 'no Content Credentials',
};

const KIND_WORDS = [
  ['ai_training', 'AI training'],
  ['ai_generative_training', 'Generative AI training'],
  ['ai_inference', 'AI inference'],
  ['data_mining', 'Data mining'],
];

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

/** Fill the card with a verification report. */
export function showReport(card, report, answers, ms) {
  resetBody(card, report.state, ms);
  const body = card.querySelector('.report-body');
  body.append(el('p', 'verdict', VERDICTS[report.state] ?? report.state));

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
    const signer = signerLine(report);
    if (signer) body.append(signer);
    const about = aboutLine(report);
    if (about) body.append(el('p', 'about', about));
    body.append(policyBlock(report, answers));
  }

  card.append(answerBox(report, answers.ai_training), rawDetails(report));
}

/** The file could not be verified at all (unreadable or unparseable bytes). */
export function showError(card, message, ms) {
  resetBody(card, 'error', ms);
  card.querySelector('.report-body').append(el('p', 'verdict', message));
  card.append(answerBox(null, 'unknown'));
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
function signerLine(report) {
  const { signer } = report;
  if (!signer) return null;
  const line = el('p', 'signer');
  let text = `Signed by ${signer.common_name ?? signer.organization ?? 'an unnamed signer'}`;
  if (signer.issuer) text += ` (${signer.issuer})`;
  const day = (time) => time.split('T')[0];
  const stated = report.actions.find((a) => a.when)?.when;
  if (report.signed_at) {
    text += ` on ${day(report.signed_at)}`;
  } else if (stated) {
    line.append(`${text} on ${day(stated)} `, el('span', 'stated', '(as stated by the signer)'));
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
function policyBlock(report, answers) {
  const block = el('div', 'policy');
  if (report.policy_label == null) {
    block.append(el('p', 'policy-none', 'No training or data-mining policy stated'));
    return block;
  }
  if (report.state === 'invalid') {
    block.append(el('p', 'policy-caveat',
      'Policy as written (cannot be relied on: the credentials are broken):'));
  }
  const list = el('ul', 'policy-list');
  for (const [kind, words] of KIND_WORDS) {
    const entry = report.policy[kind];
    const item = el('li', null, `${words}: ${describeUse(entry)}`);
    item.dataset.kind = kind;
    item.dataset.use = entry?.use ?? 'unspecified';
    // The colour follows the answer, so nothing in broken credentials looks reassuring.
    item.dataset.answer = answers[kind];
    list.append(item);
  }
  block.append(list);
  return block;
}

/** What the creator said about one kind of use, in words. */
function describeUse(entry) {
  switch (entry?.use) {
    case 'allowed': return 'allowed';
    case 'notAllowed': return 'not allowed';
    case 'constrained':
      return entry.constraint_info ? `only on terms: ${entry.constraint_info}` : 'only on terms (none given)';
    default: return 'not stated';
  }
}

/** The prominent answer: may this file be used to train AI? `report` is null when the file could not be read. */
function answerBox(report, answer) {
  const box = el('div', 'answer-box');
  const p = el('p', 'answer', null,
    el('span', 'question', 'May this be used to train AI?'), ' ',
    el('strong', 'reply', answerWords(report, answer)));
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

function answerWords(report, answer) {
  switch (answer) {
    case 'allowed': return 'Yes — the creator allowed it.';
    case 'notAllowed': return 'No — the creator said not allowed.';
    case 'constrained': {
      const info = report.policy.ai_training?.constraint_info;
      return info ? `Only on the creator’s terms: ${info}` : 'Only on the creator’s terms (none given).';
    }
    case 'unspecified': return 'Not stated — the creator said nothing about AI training.';
    default:
      if (!report) return 'Unknown — the file could not be read.';
      if (report.state === 'none') return 'Unknown — the file has no Content Credentials.';
      return 'Unknown — the credentials are broken.';
  }
}

/** The whole report as JSON, for the curious. */
function rawDetails(report) {
  return el('details', 'raw', null,
    el('summary', null, 'Raw report (JSON)'),
    el('pre', null, null, el('code', null, JSON.stringify(report, null, 2))));
}
