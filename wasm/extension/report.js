// The full report for one image: report.html?src=<encoded image URL>.
//
// The service worker fetches and verifies the image (with the saved trust
// anchors, and from its cache when the page's badge already checked it); this
// page only shows the answer in plain words: the library's, which come with
// the answer (`catalogue`, the package's words()). The report is untrusted
// input: it reaches the page through textContent only.
//
// When done, <main id="report"> has data-state = trusted | valid | invalid | recovered | none | error
// ("recovered": no credentials of its own, but a repository's intact ones, shown in #recovered).

'use strict';

const words = globalThis.hallmarkWords;
const $ = (id) => document.getElementById(id);

/** Appends <tag>text</tag> to parent and returns it. */
function add(parent, tag, text) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  parent.append(element);
  return element;
}

/** One "term: value" line of a facts list (#details unless told); skipped when there is no value. */
function fact(term, value, list = $('details')) {
  if (value === null || value === undefined || value === '') return null;
  add(list, 'dt', term).dataset.term = term;
  return add(list, 'dd', words.clean(value));
}

/**
 * The match a repository found: where, how close, who signed it, and what
 * it says, by decide()'s answers (it can only restrict).
 */
function showRecovered(recovered, decisions, catalogue) {
  const list = $('recovered');
  $('recovered-section').hidden = false;
  fact('Repository', recovered.repository, list);
  fact('Similarity', `${Number(recovered.similarity)} % (${Number(recovered.distance)} of 256 bits differ)`, list);
  fact('Signed by', words.signerName(recovered, catalogue), list);
  fact('Certificate issued by', recovered.signer?.issuer, list);
  fact('Its credentials', words.explainState(catalogue, recovered.state) ?? recovered.state, list);
  fact('Title', recovered.title, list);
  fact('Manifest', recovered.manifest_id, list);
  $('uses-section').hidden = false;
  for (const { kind, words: label } of catalogue.kinds) {
    const decision = decisions?.[kind] ?? { answer: 'unknown' };
    let text = `${label}: ${catalogue.answers[decision.answer] ?? words.clean(decision.answer)}`;
    if (decision.explain) text += ` — ${decision.explain}`;
    const item = add($('uses'), 'li', text);
    item.dataset.kind = kind;
    item.dataset.answer = decision.answer;
    item.dataset.basis = decision.basis ?? '';
  }
}

function showReport(report, mayUse, catalogue, identities = []) {
  $('verdict').textContent = words.explainState(catalogue, report.state)
    ?? `Unexpected state: ${words.clean(report.state)}`;

  fact('Signed by', words.signerName(report, catalogue));
  if (report.signer) {
    fact('Certificate issued by', report.signer.issuer);
    if (report.state === 'trusted') fact('Signer in your trust list', 'yes');
    if (report.state === 'valid') {
      fact('Signer in your trust list', "no — add its CA certificate on the extension's options page to trust it");
    }
  }
  // Who the credentials say made the work, each with its own verdict (never the image's).
  for (const identity of identities) {
    const item = fact('Identity', identity.words);
    if (item) item.dataset.state = identity.state;
  }
  fact('Signed', words.signedWhen(report, catalogue));
  fact('Title', report.title);
  fact('Made with', report.claim_generator);
  fact('Format', report.format);
  if (report.manifest_count > 1) fact('History', `${report.manifest_count} manifests`);
  if (report.ingredients?.length) {
    fact('Made from', report.ingredients.map((i) => i.title || '(untitled)').join(', '));
  }

  if (report.state !== 'none') {
    $('uses-section').hidden = false;
    const broken = report.state === 'invalid';
    if (broken) {
      const note = document.createElement('p');
      note.className = 'note uses-note';
      note.textContent = 'The credentials are broken: this is only what they claim.';
      $('uses').before(note);
    }
    for (const { kind, words: label } of catalogue.kinds) {
      const answer = mayUse?.[kind] || 'unknown';
      // An intact policy answers; a constrained use also shows its terms. A
      // broken one answers "unknown" and shows what it claimed, marked as such.
      const written = words.describeUse(catalogue, report.policy?.[kind]);
      let text = `${label}: ${broken ? catalogue.answers.unknown : written}`;
      if (broken && report.policy_label) text += ` (claimed: ${written})`;
      const item = add($('uses'), 'li', text);
      item.dataset.kind = kind;
      item.dataset.answer = answer;
    }
  }

  const problems = words.problems(report);
  if (problems.length) {
    $('problems-section').hidden = false;
    for (const s of problems) {
      const item = add($('problems'), 'li', words.clean(s.explanation || s.code));
      add(item, 'code', words.clean(s.code)).className = 'code';
    }
  }

  // JSON.stringify escapes control characters already; bidi overrides get JSON escapes too.
  $('raw').textContent = JSON.stringify(report, null, 2)
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  $('raw-section').hidden = false;
}

async function main() {
  const root = $('report');
  const src = new URLSearchParams(location.search).get('src');
  if (!src) {
    $('verdict').textContent = 'No image given: this page expects ?src=<image URL>.';
    root.dataset.state = 'error';
    return;
  }
  $('src').textContent = src;
  if (/^(https?|data):/i.test(src)) {
    $('src').href = src;
    $('preview').src = src;
  }
  document.title = `Content Credentials — ${src.startsWith('data:') ? 'embedded image' : src}`;

  let response;
  try {
    response = await chrome.runtime.sendMessage({ type: 'hallmark-verify', url: src });
  } catch (e) {
    response = { error: (e && e.message) || String(e) };
  }
  if (response?.report && response.words) {
    const { report } = response;
    showReport(report, response.mayUse, response.words, response.identities);
    root.dataset.state = report.state;
    if (report.state === 'none' && words.recoveredIntact(report)) {
      showRecovered(report.recovered, response.decisions, response.words);
      $('verdict').textContent = `${words.explainState(response.words, 'none') ?? ''} `
        + 'A repository recovered signed credentials for it (below).';
      root.dataset.state = 'recovered';
    }
  } else {
    $('verdict').textContent = `Could not check this image: ${response?.error || 'no answer from the extension'}`;
    root.dataset.state = 'error';
  }
}

main();
