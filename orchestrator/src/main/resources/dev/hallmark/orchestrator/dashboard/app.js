// The Hallmark dashboard: hash routing over the orchestrator's read API.
//
// Every string that comes from a workflow (names, log lines, artifact names, messages) reaches the
// page through textContent or a text node only, never as HTML. Attestation badges are computed
// here, in the browser, by ./verify.js from the bundle's bytes and the issuer's published keys;
// the server is never asked for a verdict.

const POLL_MS = 2000;
const IDLE_POLL_MS = 10000;
const LOG_PAGE = 10000; // the API's largest answer for one log request
const CHECKS_AT_ONCE = 4; // bundles downloaded and checked together on the Attestations tab
const ACTIVE = new Set(['pending', 'running']);

const main = document.getElementById('main');

// ---- small DOM helpers ------------------------------------------------------------------------

/** An element with attributes (constant names only) and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

function badge(status, title) {
  const s = String(status ?? 'unknown');
  return el('span', { class: 'badge', 'data-status': s, title: title || null }, s);
}

function errorLine(message) {
  return el('p', { class: 'error', role: 'alert' }, oneLine(message));
}

function oneLine(s) {
  const line = String(s ?? '').split(/\r?\n/, 1)[0].trim();
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}

// ---- times ------------------------------------------------------------------------------------

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  timeZoneName: 'short',
});

function parseTime(iso) {
  if (typeof iso !== 'string') return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** A <time> showing "3 minutes ago", with the absolute time in its title. */
function timeAgo(iso) {
  const t = parseTime(iso);
  if (t === null) return el('span', { class: 'muted' }, '–');
  const seconds = Math.round((t - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  let text;
  if (abs < 45) text = relative.format(seconds, 'second');
  else if (abs < 2700) text = relative.format(Math.round(seconds / 60), 'minute');
  else if (abs < 79200) text = relative.format(Math.round(seconds / 3600), 'hour');
  else text = relative.format(Math.round(seconds / 86400), 'day');
  return el('time', { datetime: iso, title: absolute.format(t) + ' (' + iso + ')' }, text);
}

/** "0.4 s", "12 s", "3 min 5 s", "1 h 2 min"; running durations count up to now. */
function duration(startIso, endIso) {
  const start = parseTime(startIso);
  if (start === null) return '–';
  const end = parseTime(endIso) ?? Date.now();
  const ms = Math.max(0, end - start);
  if (ms < 10000) return (ms / 1000).toFixed(1) + ' s';
  const s = Math.round(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function durationCell(startIso, endIso) {
  const text = duration(startIso, endIso);
  const running = parseTime(startIso) !== null && parseTime(endIso) === null;
  return el('td', { class: 'num' }, running && text !== '–' ? text + ' so far' : text);
}

// ---- the API ----------------------------------------------------------------------------------

class ApiError extends Error {}

/** GETs a JSON object; any failure is an ApiError with one line for the page. */
async function api(path) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    throw new ApiError('the orchestrator did not answer ' + path);
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  if (!res.ok) {
    const why = body && typeof body.error === 'string' ? body.error : 'HTTP ' + res.status;
    throw new ApiError(path + ': ' + why);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(path + ': the answer is not a JSON object');
  }
  return body;
}

function str(v) {
  return typeof v === 'string' ? v : '';
}

function shortSha(sha) {
  return str(sha).slice(0, 12);
}

function fileNameOf(path) {
  const p = str(path);
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1) || p;
}

/** The bundle's file name, as the server names it (FORMATS §5, §3): last path segment + suffix. */
function bundleFileName(subjectName) {
  const segment = fileNameOf(subjectName);
  const ok = segment !== '' && segment !== '.' && segment !== '..';
  return (ok ? segment : 'attestation') + '.hallmark.json';
}

// ---- routing ----------------------------------------------------------------------------------

/** Each view gets a fresh token; async work of a view that was left checks it and stops. */
let view = { alive: false, timers: [] };

function newView() {
  view.alive = false;
  view.timers.forEach(clearTimeout);
  view = { alive: true, timers: [] };
  return view;
}

function later(v, fn, ms) {
  if (v.alive) v.timers.push(setTimeout(() => v.alive && fn(), ms));
}

function route() {
  const v = newView();
  const hash = location.hash || '#/';
  let m;
  if (hash === '#/' || hash === '#' || hash === '') {
    runsPage(v);
  } else if ((m = /^#\/runs\/([0-9]{1,18})(\/attestations)?$/.exec(hash))) {
    runPage(v, m[1], m[2] ? 'attestations' : 'jobs');
  } else {
    main.replaceChildren(el('h1', {}, 'Not found'), el('p', {}, 'There is no such page. ', el('a', { href: '#/' }, 'All runs')));
    document.title = 'Not found · Hallmark';
  }
}


// ---- runs list --------------------------------------------------------------------------------

function runsPage(v) {
  document.title = 'Runs · Hallmark';
  const status = el('div', { 'aria-live': 'polite' });
  const body = el('div');
  main.replaceChildren(el('h1', {}, 'Runs'), status, body);

  async function refresh() {
    let answer;
    try {
      answer = await api('/api/v1/runs');
    } catch (e) {
      if (!v.alive) return;
      status.replaceChildren(errorLine('Could not load the runs: ' + e.message));
      later(v, refresh, IDLE_POLL_MS);
      return;
    }
    if (!v.alive) return;
    status.replaceChildren();
    const runs = Array.isArray(answer.runs) ? answer.runs.slice() : [];
    runs.sort((a, b) => Number(b.id) - Number(a.id));
    body.replaceChildren(runs.length === 0
      ? el('p', { class: 'empty' }, 'No runs yet. Register a repository with ', el('code', {}, 'hallmark repo add'),
        ' and send it a push event.')
      : runsTable(runs));
    const active = runs.some(r => ACTIVE.has(r.status));
    later(v, refresh, active ? POLL_MS : IDLE_POLL_MS);
  }
  refresh();
}

function runsTable(runs) {
  const rows = runs.map(r => {
    const id = /^[0-9]{1,18}$/.test(str(r.id)) ? r.id : null;
    return el('tr', { 'data-run-id': id },
      el('td', {}, id ? el('a', { href: '#/runs/' + id }, '#' + id) : '–'),
      el('td', { class: 'wrap', title: str(r.workflow) }, fileNameOf(r.workflow)),
      el('td', { class: 'wrap' }, str(r.repository)),
      el('td', { class: 'wrap' }, el('code', {}, str(r.ref))),
      el('td', {}, el('code', { title: str(r.sha) }, shortSha(r.sha))),
      el('td', {}, str(r.event)),
      el('td', {}, badge(r.status)),
      durationCell(r.startedAt, r.finishedAt),
      el('td', {}, timeAgo(r.createdAt)));
  });
  return el('table', { class: 'runs' },
    el('caption', {}, 'Newest first'),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Run'), el('th', { scope: 'col' }, 'Workflow'),
      el('th', { scope: 'col' }, 'Repository'), el('th', { scope: 'col' }, 'Ref'),
      el('th', { scope: 'col' }, 'Commit'), el('th', { scope: 'col' }, 'Event'),
      el('th', { scope: 'col' }, 'Status'), el('th', { scope: 'col', class: 'num' }, 'Duration'),
      el('th', { scope: 'col' }, 'Created'))),
    el('tbody', {}, rows));
}

// ---- one run ----------------------------------------------------------------------------------

function runPage(v, runId, tab) {
  document.title = 'Run ' + runId + ' · Hallmark';
  const heading = el('h1', {}, 'Run #' + runId);
  const status = el('div', { 'aria-live': 'polite' });
  const summary = el('div');
  const tabs = el('nav', { class: 'tabs', 'aria-label': 'Run sections' },
    el('a', { href: '#/runs/' + runId, 'aria-current': tab === 'jobs' ? 'page' : null }, 'Jobs and logs'),
    el('a', { href: '#/runs/' + runId + '/attestations', 'aria-current': tab === 'attestations' ? 'page' : null },
      'Attestations'));
  const content = el('div');
  main.replaceChildren(
    el('p', { class: 'crumbs' }, el('a', { href: '#/' }, 'Runs'), ' › Run #' + runId),
    heading, status, summary, tabs, content);

  const jobsView = tab === 'jobs' ? new JobsView(content) : null;
  const attestationsView = tab === 'attestations' ? new AttestationsView(v, content) : null;
  let wasActive = false;

  // Every 2 s while the run is pending or running, and once more after it ends (its last lines).
  async function refresh() {
    let active = wasActive;
    try {
      const run = await api('/api/v1/runs/' + runId);
      if (!v.alive) return;
      active = ACTIVE.has(run.status);
      renderSummary(summary, heading, run);
      const jobs = await api('/api/v1/runs/' + runId + '/jobs');
      if (!v.alive) return;
      const jobList = Array.isArray(jobs.jobs) ? jobs.jobs : [];
      if (jobsView) await jobsView.update(v, jobList);
      if (attestationsView) await attestationsView.update(runId, jobList, run);
      if (!v.alive) return;
      status.replaceChildren();
    } catch (e) {
      if (!v.alive) return;
      status.replaceChildren(errorLine('Could not load run ' + runId + ': ' + e.message));
    }
    if (active || wasActive) later(v, refresh, POLL_MS);
    wasActive = active;
  }
  refresh();
}

function renderSummary(summary, heading, run) {
  heading.replaceChildren('Run #' + str(run.id) + ' ', badge(run.status));
  const rows = [
    ['Workflow', el('code', {}, str(run.workflow))],
    ['Repository', str(run.repository)],
    ['Ref', el('code', {}, str(run.ref))],
    ['Commit', el('code', {}, str(run.sha))],
    ['Event', str(run.event)],
    ['Attempt', str(run.attempt)],
    ['Created', timeAgo(run.createdAt)],
    ['Duration', duration(run.startedAt, run.finishedAt) + (ACTIVE.has(run.status) && run.startedAt ? ' so far' : '')],
  ];
  if (typeof run.reason === 'string' && run.reason !== '') rows.push(['Reason', run.reason]);
  const parts = [];
  // Text only, from a boolean the server set: the run's jobs were not sandboxed (--unsafe-no-sandbox).
  if (run.sandboxed === false) {
    parts.push(el('p', { class: 'error', role: 'alert' },
      'Warning: this run\'s jobs ran without the sandbox (--unsafe-no-sandbox): they could read and change '
      + 'whatever the orchestrator\'s user can.'));
  }
  parts.push(el('dl', { class: 'summary' }, rows.map(([k, val]) => [el('dt', {}, k), el('dd', {}, val)])));
  summary.replaceChildren(...parts);
}

// ---- jobs, steps, logs ------------------------------------------------------------------------

/** Jobs with their steps; each job's log is fetched incrementally (?after=N) and split by step. */
class JobsView {
  constructor(container) {
    this.container = container;
    this.jobs = new Map(); // job id → {section, header, steps, logs, after, groups, current}
    this.empty = null;
  }

  async update(v, jobList) {
    if (jobList.length === 0) {
      if (!this.empty) {
        this.empty = el('p', { class: 'empty' }, 'No jobs to show. A run that ended before any job says why above.');
        this.container.replaceChildren(this.empty);
      }
      return;
    }
    if (this.empty) {
      this.empty.remove();
      this.empty = null;
    }
    for (const job of jobList) {
      const id = str(job.id);
      if (!/^[0-9a-f]{1,64}$/.test(id)) continue;
      let j = this.jobs.get(id);
      if (!j) {
        j = {
          header: el('h2'), steps: el('div'), logs: el('div'), after: 0, groups: new Map(), current: null,
        };
        j.section = el('section', { class: 'job', 'data-job-id': id, 'aria-label': 'Job ' + str(job.name) },
          j.header, j.steps, el('h3', {}, 'Log'), j.logs);
        this.jobs.set(id, j);
        this.container.append(j.section);
      }
      renderJob(j, job);
      await this.fetchLogs(v, id, j, ACTIVE.has(job.status));
      if (!v.alive) return;
    }
  }

  async fetchLogs(v, id, j, active) {
    for (let page = 0; page < 100; page++) {
      const answer = await api('/api/v1/jobs/' + id + '/logs?after=' + j.after);
      if (!v.alive) return;
      const lines = Array.isArray(answer.lines) ? answer.lines : [];
      for (const l of lines) {
        if (typeof l.seq === 'number' && l.seq > j.after) j.after = l.seq;
        appendLogLine(j, l);
      }
      if (lines.length < LOG_PAGE) break;
    }
    if (j.groups.size === 0) {
      j.logs.replaceChildren(el('p', { class: 'muted' }, active ? 'No output yet.' : 'No output.'));
    }
  }
}

function renderJob(j, job) {
  const title = [el('span', {}, 'Job ' + str(job.name)), badge(job.status),
    el('span', { class: 'muted' }, duration(job.startedAt, job.finishedAt))];
  j.header.replaceChildren(...title);
  const parts = [];
  if (typeof job.reason === 'string' && job.reason !== '') parts.push(el('p', { class: 'error' }, job.reason));
  const steps = Array.isArray(job.steps) ? job.steps : [];
  if (steps.length === 0) {
    parts.push(el('p', { class: 'muted' }, ACTIVE.has(job.status) ? 'No steps reported yet.' : 'No steps were reported.'));
  } else {
    parts.push(el('table', { class: 'steps' },
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Step'), el('th', { scope: 'col' }, 'Status'),
        el('th', { scope: 'col' }, 'Started'), el('th', { scope: 'col', class: 'num' }, 'Duration'),
        el('th', { scope: 'col' }, 'Message'))),
      el('tbody', {}, steps.map(s => el('tr', { 'data-step': str(s.name) },
        el('td', {}, el('code', {}, str(s.name))),
        el('td', {}, badge(s.status)),
        el('td', {}, timeAgo(s.startedAt)),
        durationCell(s.startedAt, s.finishedAt),
        el('td', { class: 'wrap' }, str(s.message)))))));
  }
  j.steps.replaceChildren(...parts);
}

/** "--- step NAME" (the SDK's frame) opens that step's part of the log; other lines go on where they are. */
function appendLogLine(j, l) {
  const line = str(l.line);
  const m = /^--- step (\S+)$/.exec(line);
  if (m || !j.current) {
    const name = m ? m[1] : '';
    let g = j.groups.get(name);
    if (!g) {
      const pre = el('pre', { class: 'log' });
      const details = el('details', { class: 'log', open: true, 'data-step': name },
        el('summary', {}, m ? 'Step ' + name : 'Job output'), pre);
      if (j.logs.firstChild && j.logs.firstChild.tagName === 'P') j.logs.replaceChildren();
      j.logs.append(details);
      g = { pre };
      j.groups.set(name, g);
    }
    j.current = g;
  }
  const frame = line.startsWith('--- step ');
  const cls = frame ? 'frame' : (l.stream === 'stderr' ? 'stderr' : null);
  j.current.pre.append(el('span', { class: cls }, line), '\n');
}

// ---- attestations -----------------------------------------------------------------------------

/** Loads verify.js once; the rest of the dashboard works even if it cannot. */
let verifyModule = null;
function loadVerify() {
  if (!verifyModule) verifyModule = import('./verify.js');
  return verifyModule;
}

/** The issuer's trust root, fetched once per page view; a failure is kept and handed to verifyBundle. */
async function trustRootFor(verify) {
  let issuer = null;
  try {
    const answer = await api('/api/v1/issuer');
    issuer = typeof answer.issuer === 'string' && answer.issuer !== '' ? answer.issuer : null;
  } catch (e) {
    issuer = null;
  }
  if (issuer === null) return { issuer: null, trustRoot: null };
  try {
    return { issuer, trustRoot: await verify.fetchTrustRoot(issuer) };
  } catch (e) {
    return { issuer, trustRoot: e };
  }
}

class AttestationsView {
  constructor(v, container) {
    this.v = v;
    this.container = container;
    this.rows = new Map(); // storage key → row
    this.tbody = el('tbody');
    this.table = null;
    this.empty = el('p', { class: 'empty', 'data-empty': 'attestations' });
    this.trust = null;
    this.queue = []; // rows waiting for their check; at most CHECKS_AT_ONCE run together
    this.inFlight = 0;
    this.issuerNote = el('p', { class: 'muted' });
    container.replaceChildren(this.intro(), this.issuerNote, this.empty);
  }

  intro() {
    return el('div', { class: 'note' },
      el('p', {}, 'Each badge is computed in your browser with WebCrypto, from the bundle\'s bytes and the issuer\'s ' +
        'published keys and log policy, by the checks of the verifier in order: bundle, trust-root, token, key-binding, ' +
        'signature, statement, build-context, log. The server is never asked for a verdict.'),
      el('p', {}, 'The artifact check does not apply here: your browser does not have the artifact, so a badge does ' +
        'not prove that a file you hold is the one attested. Check the file with ',
        el('code', {}, 'hallmark verify-attestation ARTIFACT --bundle ARTIFACT.hallmark.json --trust-root trust-root.json'),
        '.'),
      el('p', {}, el('strong', {}, 'This page\'s code comes from the same server that stores the bundles'),
        ', so a badge is only as trustworthy as this server. Only ', el('code', {}, 'hallmark verify-attestation'),
        ' with a pinned trust-root file is independent of the server.'));
  }

  async update(runId, jobList, run) {
    const answer = await api('/api/v1/runs/' + runId + '/attestations');
    if (!this.v.alive) return;
    const list = Array.isArray(answer.attestations) ? answer.attestations : [];
    const jobNames = new Map(jobList.map(j => [str(j.id), str(j.name)]));
    if (list.length === 0) {
      this.empty.textContent = ACTIVE.has(run.status)
        ? 'No attestations yet: this run is still going.'
        : 'No attestations: no step of this run attested an artifact.';
      return;
    }
    if (!this.table) {
      this.table = el('table', { class: 'attestations' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, 'Status'), el('th', { scope: 'col' }, 'Job'),
          el('th', { scope: 'col' }, 'Artifact'), el('th', { scope: 'col' }, 'Digest'),
          el('th', { scope: 'col' }, 'Created'), el('th', { scope: 'col' }, 'Download'))),
        this.tbody);
      this.empty.replaceWith(this.table);
    }
    for (const a of list) {
      const key = str(a.storageKey);
      if (!/^[0-9a-f]{64}$/.test(key) || this.rows.has(key)) continue;
      const row = this.row(a, key, jobNames);
      this.rows.set(key, row);
      this.tbody.append(row.tr);
      this.queue.push([key, row]); // not awaited: rows fill in as their checks finish
    }
    this.pump();
  }

  pump() {
    while (this.inFlight < CHECKS_AT_ONCE && this.queue.length > 0 && this.v.alive) {
      const [key, row] = this.queue.shift();
      this.inFlight++;
      this.check(key, row).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  row(a, key, jobNames) {
    const name = str(a.subjectName);
    const digest = str(a.subjectDigest);
    const jobId = str(a.jobId);
    const status = el('td', { class: 'status' }, badge('checking', 'checking this bundle in your browser'));
    const file = bundleFileName(name);
    const tr = el('tr', { 'data-storage-key': key },
      status,
      el('td', { class: 'wrap', title: 'job ' + jobId }, jobNames.get(jobId) || jobId),
      el('td', { class: 'wrap artifact' }, name),
      el('td', {}, el('code', { title: 'sha256:' + digest }, 'sha256:' + digest.slice(0, 12) + '…')),
      el('td', {}, timeAgo(a.createdAt)),
      el('td', {}, el('a', {
        href: '/api/v1/attestations/' + key, download: file, type: 'application/vnd.hallmark.bundle.v1+json',
        'aria-label': 'Download ' + file, title: file,
      }, 'Download')));
    return { tr, status };
  }

  async check(key, row) {
    let result;
    try {
      const verify = await loadVerify();
      if (!this.trust) this.trust = trustRootFor(verify);
      const { issuer, trustRoot } = await this.trust;
      this.showIssuer(issuer, trustRoot);
      const res = await fetch('/api/v1/attestations/' + key, { cache: 'no-store' });
      if (!res.ok) throw new Error('the bundle could not be downloaded (HTTP ' + res.status + ')');
      const bytes = new Uint8Array(await res.arrayBuffer());
      result = await verify.verifyBundle(bytes, trustRoot, { now: new Date() });
    } catch (e) {
      // Fail closed: no verdict we could not compute is ever shown as verified.
      result = {
        status: 'unverifiable', failedCheck: null, checks: [],
        message: 'the bundle could not be checked in this browser: ' + oneLine(e && e.message),
      };
    }
    if (!this.v.alive) return;
    row.status.replaceChildren(...statusCell(result));
  }

  showIssuer(issuer, trustRoot) {
    if (this.issuerShown) return;
    this.issuerShown = true;
    if (issuer === null) {
      this.issuerNote.replaceChildren('No issuer is configured on this orchestrator, so no bundle can be checked here.');
    } else if (trustRoot === null || trustRoot instanceof Error) {
      this.issuerNote.replaceChildren('The keys of issuer ', el('code', {}, issuer), ' could not be fetched: ',
        oneLine(trustRoot && trustRoot.message), '. Bundles are shown as unverifiable.');
    } else {
      this.issuerNote.replaceChildren('Checked against the keys published by issuer ', el('code', {}, issuer), '.');
    }
  }
}

const STATUSES = new Set(['verified', 'failed', 'unverifiable']);

function statusCell(answer) {
  const result = answer && typeof answer === 'object' ? answer : {};
  const status = STATUSES.has(result && result.status) ? result.status : 'unverifiable';
  const failed = typeof result.failedCheck === 'string' ? result.failedCheck : null;
  const message = oneLine(result.message);
  let title;
  // The verified message ends, for a logged bundle, with "; log entry N of <log>, witnessed by … before …".
  if (status === 'verified') title = 'checks 1–8 passed in your browser' + (message ? ': ' + message : '');
  else if (status === 'failed') title = 'check ' + (failed ?? '?') + ' failed: ' + message;
  else title = 'unverifiable: ' + message;
  const parts = [badge(status, title)];
  if (status === 'failed') parts.push(el('span', { class: 'status-reason' }, (failed ?? '?') + ': ' + message));
  else if (status === 'unverifiable') {
    // The whole reason is in the tooltip (and, for the issuer, above the table): a short label here.
    parts.push(el('span', { class: 'status-note' },
      failed === 'trust-root' ? 'no usable keys of the issuer'
        : failed === 'log' ? 'this browser cannot check the log (no Ed25519)' : 'not checked in this browser'));
  }
  const checks = Array.isArray(result.checks) ? result.checks : [];
  if (checks.length > 0) {
    parts.push(el('details', { class: 'checks' }, el('summary', {}, 'Checks'),
      el('ol', {},
        checks.map(c => el('li', { class: c.ok ? 'ok' : 'bad' },
          el('code', {}, str(c.check)), (c.ok ? ' passed' : ' failed') + (c.message ? ': ' + oneLine(c.message) : ''))),
        el('li', { class: 'na' }, el('code', {}, 'artifact'),
          ' not checked: your browser does not have the artifact.'))));
  }
  return parts;
}

// ---- start (last: the classes above are not hoisted) -------------------------------------------

window.addEventListener('hashchange', route);
route();
