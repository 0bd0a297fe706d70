// The Shop dashboard page: polls /api/resources once a second and follows the selected resource's console
// through Server-Sent Events. Everything from the API is inserted as text, never as HTML: log lines and
// environment values come from the services and may contain anything.
"use strict";

const REFRESH_MS = 1000;
const MAX_LOG_LINES = 3000;

const $ = (id) => document.getElementById(id);

let resources = [];
let selected = decodeURIComponent(location.hash.slice(1)) || null;
let renderedDetails = "";
let logSource = null;
let logRun = null;
let pendingLines = [];
let flushScheduled = false;

/** Creates an element with text or element children. */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    node.append(child instanceof Node ? child : String(child ?? ""));
  }
  return node;
}

function badge(value) {
  return el("span", `badge ${String(value).toLowerCase()}`, value);
}

function isHttp(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url);
}

/** An http(s) URL as a link (opens in a new tab); any other address as plain text. */
function address(url) {
  if (!isHttp(url)) return el("code", null, url ?? "—");
  const link = el("a", "mono", url);
  link.href = url;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  return link;
}

function apiPath(name, suffix = "") {
  return `api/resources/${encodeURIComponent(name)}${suffix}`;
}

function setConnection(text, cls) {
  const node = $("connection");
  node.textContent = text;
  node.className = `connection ${cls}`;
}

// ---- resources table -------------------------------------------------------------------------------------

async function refresh() {
  try {
    const response = await fetch("api/resources", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    resources = await response.json();
    setConnection(`live · ${resources.length} resources`, "ok");
    renderTable();
    renderDetails();
  } catch (error) {
    setConnection(`AppHost not reachable (${error.message})`, "down");
  } finally {
    // Chained rather than setInterval: a slow answer never stacks up requests.
    setTimeout(refresh, REFRESH_MS);
  }
}

function renderTable() {
  const rows = resources.map((resource) => {
    const running = resource.replicas.filter((r) => r.state === "Running").length;
    const endpoints = el("td");
    for (const endpoint of resource.endpoints) {
      endpoints.append(el("div", null, address(endpoint.url)));
    }
    const pids = resource.replicas.map((r) => r.pid).filter((pid) => pid != null);
    const row = el("tr", resource.name === selected ? "selected" : "",
      el("td", "name", resource.name),
      el("td", null, resource.type),
      el("td", null, badge(resource.state)),
      el("td", null, badge(resource.health)),
      endpoints,
      el("td", "num", resource.replicas.length ? `${running}/${resource.replicas.length}` : "—"),
      el("td", "mono", pids.length ? pids.join(", ") : "—"),
      el("td", "num", resource.restarts));
    row.tabIndex = 0;
    row.addEventListener("click", (event) => {
      if (!event.target.closest("a")) select(resource.name);
    });
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter") select(resource.name);
    });
    return row;
  });
  $("resources").tBodies[0].replaceChildren(...rows);
}

// ---- details panel ---------------------------------------------------------------------------------------

function select(name) {
  if (name === selected) return;
  selected = name;
  history.replaceState(null, "", name ? `#${encodeURIComponent(name)}` : location.pathname);
  renderedDetails = "";
  $("restart-status").textContent = "";
  renderTable();
  renderDetails();
  followLog();
}

function renderDetails() {
  const resource = resources.find((r) => r.name === selected);
  $("details").hidden = !resource;
  if (!resource) return;
  // Rebuilt only when something changed, so that a selection or a scroll position in it survives the poll.
  const key = JSON.stringify(resource);
  if (key === renderedDetails) return;
  renderedDetails = key;

  $("details-name").textContent = resource.name;
  $("details-type").textContent = resource.type;
  $("details-state").replaceChildren(badge(resource.state), " ", badge(resource.health));

  const error = $("details-error");
  error.hidden = !resource.error;
  error.textContent = resource.error ?? "";

  const facts = [
    ["Health", resource.healthDescription ?? resource.health],
    ["Started", resource.startedAt ? new Date(resource.startedAt).toLocaleString() : "—"],
    ["Waits for", resource.waitsFor.join(", ") || "—"],
    ["References", resource.references.join(", ") || "—"],
  ];
  $("details-facts").replaceChildren(...facts.flatMap(([name, value]) => [el("dt", null, name), el("dd", null, value)]));

  $("replicas").tBodies[0].replaceChildren(...(resource.replicas.length
    ? resource.replicas.map((r) => el("tr", null,
        el("td", "num", r.index),
        el("td", "num mono", r.pid ?? "—"),
        el("td", "num mono", r.port ?? "—"),
        el("td", null, badge(r.state)),
        el("td", "num", r.restarts),
        el("td", "num", r.exitCode ?? "—")))
    : [el("tr", null, Object.assign(el("td", "muted", "no processes"), { colSpan: 6 }))]));

  $("endpoints").replaceChildren(...(resource.endpoints.length
    ? resource.endpoints.map((endpoint) => {
        const item = el("li", null, el("strong", null, endpoint.name), " ", address(endpoint.url),
          endpoint.isExternal ? el("span", "muted", " (external)") : "");
        if (endpoint.replicaUrls.length > 1) {
          item.append(el("ul", null, ...endpoint.replicaUrls.map((url, i) => el("li", null, `replica ${i}: `, address(url)))));
        }
        return item;
      })
    : [el("li", "muted", "none")]));

  $("environment").tBodies[0].replaceChildren(...(resource.environment.length
    ? resource.environment.map((variable) => el("tr", null,
        el("td", "mono", variable.name),
        el("td", variable.isSecret ? "mono secret" : "mono", variable.value)))
    : [el("tr", null, Object.assign(el("td", "muted", ["NotStarted", "Waiting"].includes(resource.state) ? "not started yet" : "none"), { colSpan: 2 }))]));
}

async function restart() {
  const name = selected;
  const button = $("restart");
  const status = $("restart-status");
  button.disabled = true;
  status.textContent = "restarting…";
  try {
    const response = await fetch(apiPath(name, "/restart"), { method: "POST" });
    if (response.ok) {
      status.textContent = "restart requested";
    } else {
      const problem = await response.json().catch(() => ({}));
      status.textContent = problem.detail ?? problem.title ?? `failed (HTTP ${response.status})`;
    }
  } catch (error) {
    status.textContent = `failed (${error.message})`;
  } finally {
    button.disabled = false;
  }
}

// ---- console ---------------------------------------------------------------------------------------------

function followLog() {
  logSource?.close();
  logSource = null;
  pendingLines = [];
  logRun = null;
  $("log").replaceChildren();
  if (!selected) return;
  const status = $("log-status");
  status.textContent = "connecting…";
  // EventSource reconnects by itself and sends Last-Event-ID ("run-sequence"), so the server resumes after the
  // last line seen; after an AppHost restart the run differs and the server sends the new run's lines from the
  // start, so the old run's lines are cleared.
  const source = new EventSource(apiPath(selected, "/logs/stream"));
  source.onopen = () => { status.textContent = "live"; };
  source.onerror = () => { status.textContent = "disconnected, retrying…"; };
  source.onmessage = (event) => {
    const run = event.lastEventId.split("-")[0];
    if (logRun !== null && run !== logRun) {
      pendingLines = [];
      $("log").replaceChildren();
    }
    logRun = run;
    pendingLines.push(JSON.parse(event.data));
    if (!flushScheduled) {
      // One DOM update per frame: the backlog arrives as thousands of events at once.
      flushScheduled = true;
      requestAnimationFrame(flushLines);
    }
  };
  logSource = source;
}

function flushLines() {
  flushScheduled = false;
  const log = $("log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const multiReplica = (resources.find((r) => r.name === selected)?.replicas.length ?? 0) > 1;
  const fragment = document.createDocumentFragment();
  for (const line of pendingLines.splice(0).slice(-MAX_LOG_LINES)) {
    const time = new Date(line.timestamp).toLocaleTimeString(undefined, { hour12: false });
    fragment.append(el("div", line.isError ? "err" : "",
      el("span", "time", time),
      multiReplica ? el("span", "replica", `[${line.replica}]`) : "",
      el("span", "text", line.text)));
  }
  log.append(fragment);
  while (log.childElementCount > MAX_LOG_LINES) {
    log.firstElementChild.remove();
  }
  // Follow the output only while the reader is at the bottom; scrolling up to read stops the jumping.
  if (atBottom) log.scrollTop = log.scrollHeight;
}

// ---- start -----------------------------------------------------------------------------------------------

$("restart").addEventListener("click", restart);
$("close").addEventListener("click", () => select(null));
$("log-clear").addEventListener("click", () => $("log").replaceChildren());
followLog();
refresh();
