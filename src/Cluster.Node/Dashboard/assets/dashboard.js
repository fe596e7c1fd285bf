// The dashboard: every page reads the node's HTTP API with the key kept in this tab's
// sessionStorage (sent as Authorization: Bearer, never as a cookie). All text from the API is
// put into the page as text (textContent), never as markup.

const KEY = "jobs.key";
const REFRESH_MS = 2000;
const page = document.getElementById("page");
let me = null;          // { tenant, role, keysConfigured }
let refresh = null;     // the current page's periodic re-read
let stream = null;      // the job page's event stream
let rendered = false;   // whether a page was shown since the document loaded

// ---- the API -------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = "Bearer " + key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  if (response.status === 401) { go("/login"); throw new ApiError(401, "a key is needed"); }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, (json && json.detail) || response.statusText);
  return json;
}

const canAct = () => me && (me.role === "submit" || me.role === "admin");
const isAdmin = () => me && me.role === "admin";

// ---- the DOM, as text only -----------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  return fill(el, ...children);
}

/// Replaces an element's children: nested lists flattened, null/undefined/false left out, text as text.
function fill(el, ...children) {
  el.replaceChildren();
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const link = (href, text) => h("a", { href, "data-nav": "", "data-key": href }, text);
/// A button whose focus survives the page's periodic re-read (the new one with the same key takes it).
const button = (key, text, onclick, cls) => h("button", { type: "button", class: cls, "data-key": key, onclick }, text);
const status = s => h("span", { class: "status " + s }, s);
const time = t => t ? new Date(t).toLocaleString() : "";
const pretty = raw => { try { return JSON.stringify(typeof raw === "string" ? JSON.parse(raw) : raw, null, 2); } catch { return String(raw); } };
const tile = (k, v) => h("div", { class: "tile" }, h("div", { class: "v" }, v), h("div", { class: "k" }, k));

function table(headers, rows, empty = "Nothing here.") {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, headers.map(x => h("th", { scope: "col", class: x.wide ? "wide" : null }, x.label ?? x)))),
    h("tbody", {}, rows.map(r => h("tr", {}, r.map((c, i) => h("td", {
      class: headers[i].wide ? "wide" : (headers[i].mono ? "mono" : null),
      "data-label": headers[i].label ?? headers[i],   // shown beside each cell where rows stack (narrow screens)
    }, c)))))));
}

function show(...children) {
  fill(page, ...children);
}

function problem(e) {
  return h("p", { class: "error", role: "alert" }, e instanceof ApiError ? `${e.status}: ${e.message}` : String(e));
}

function confirmThen(text, action) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  const yes = document.getElementById("confirm-yes"), no = document.getElementById("confirm-no");
  const back = document.activeElement;   // focus returns where the user was
  const done = ok => {
    dialog.close(); yes.onclick = no.onclick = dialog.oncancel = null;
    if (back && back.isConnected) back.focus();
    if (ok) action();
  };
  dialog.oncancel = () => done(false);
  yes.onclick = () => done(true);
  no.onclick = () => done(false);
  dialog.showModal();
  no.focus();
}

function every(read) {
  stop();
  const tick = async () => {
    if (document.hidden || document.getElementById("confirm").open) return;
    const key = page.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
    await read().catch(() => {});
    // the re-read replaced the rows: the element the keyboard was on gets its focus back
    if (key && !page.contains(document.activeElement)) {
      const again = [...page.querySelectorAll("[data-key]")].find(el => el.dataset.key === key);
      if (again) again.focus();
    }
  };
  refresh = setInterval(tick, REFRESH_MS);
}

function stop() {
  if (refresh) clearInterval(refresh);
  refresh = null;
  if (stream) stream.abort();
  stream = null;
}

// ---- pages ---------------------------------------------------------------------------------

async function overview() {
  const view = h("div", {});
  show(h("h1", {}, "Overview"), view);
  const read = async () => {
    const parts = [];
    if (isAdmin()) {
      const [nodes, series] = await Promise.all([api("/api/nodes"), api("/api/nodes/series")]);
      const ns = nodes.nodes.filter(n => !n.stale);
      const sum = f => ns.reduce((a, n) => a + f(n), 0);
      const pts = series.points;
      const rates = pts.slice(1).map((p, i) => rate(pts[i], p));
      const last = rates.length ? rates[rates.length - 1] : { done: 0, fail: 0 };
      const queues = {};
      for (const n of ns) for (const q of n.pending || []) queues[q.queue] = (queues[q.queue] || 0) + q.pending;
      const pickups = ns.filter(n => n.pickupP99Ms !== null && n.pickupP99Ms !== undefined);
      const ms = v => pickups.length ? Math.max(...pickups.map(v)).toFixed(0) + " ms" : "–";
      parts.push(h("div", { class: "tiles" },
        tile("nodes", ns.length + " / " + nodes.nodes.length),
        tile("running / capacity", sum(n => n.runningJobs) + " / " + sum(n => n.capacity)),
        tile("pending", Object.values(queues).reduce((a, b) => a + b, 0)),
        tile("processed /s", last.done.toFixed(1)),
        tile("failed attempts /s", last.fail.toFixed(1)),
        tile("pickup p50 / p99", `${ms(n => n.pickupP50Ms)} / ${ms(n => n.pickupP99Ms)}`),
        tile("dead-lettered since start", sum(n => n.deadLettered)),
        tile("degraded nodes", ns.filter(n => n.degraded).length)));
      parts.push(h("h2", {}, "Processed jobs and failed attempts per second, last hour"),
        chart(rates.map(r => [r.done, r.fail]), ["done", "fail"], "per second"));
      parts.push(h("h2", {}, "Pending jobs, last hour"), chart(pts.slice(1).map(p => [p.pending]), ["run"], "pending"));
      parts.push(h("h2", {}, "Pending per queue"), table(["queue", "pending"], Object.entries(queues).sort().map(([q, n]) => [q, n]), "No queue has pending jobs."));
    }
    const counts = await api("/api/job-counts");
    parts.unshift(h("h2", {}, "Jobs per status" + (counts.tenant ? ` (tenant ${counts.tenant})` : "")),
      h("div", { class: "tiles", id: "status-counts" },
        ["pending", "scheduled", "running", "completed", "failed", "cancelled"].map(s =>
          h("a", { class: "tile", href: "/jobs?status=" + s, "data-key": "count-" + s }, h("div", { class: "v" }, counts[s]), h("div", { class: "k" }, s))),
        h("a", { class: "tile", href: "/dlq", "data-key": "count-dlq" }, h("div", { class: "v" }, counts.deadLetters), h("div", { class: "k" }, "in the DLQ"))),
      isAdmin() ? h("h2", {}, "Cluster") : null);
    const recent = await api("/api/jobs?limit=10");
    const failed = await api("/api/dlq?limit=5");
    parts.push(h("h2", {}, "Latest jobs"), jobsTable(recent.items));
    parts.push(h("h2", {}, "Latest failures"), jobsTable(failed.items, true));
    fill(view, parts);
  };
  await read().catch(e => fill(view, problem(e)));
  every(read);
}

function rate(a, b) {
  const s = (new Date(b.at) - new Date(a.at)) / 1000 || 1;
  return { done: Math.max(0, b.processed - a.processed) / s, fail: Math.max(0, b.failed - a.failed) / s };
}

/// A line per series over the last hour's points: rows[i][k] is series k at point i.
function chart(rows, classes, unit) {
  const W = 600, H = 160, P = 24;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  const max = Math.max(1, ...rows.flat());
  const latest = rows.length ? rows[rows.length - 1].map(v => v.toFixed(1)).join(" / ") : "none";
  svg.setAttribute("aria-label", `${unit} over ${rows.length} intervals: latest ${latest}, peak ${max.toFixed(1)}`);
  classes.forEach((cls, k) => {
    if (rows.length === 0) return;
    const line = document.createElementNS(svg.namespaceURI, "polyline");
    line.setAttribute("class", cls);
    line.setAttribute("points", rows.map((r, i) =>
      `${P + (W - 2 * P) * (rows.length === 1 ? 1 : i / (rows.length - 1))},${H - P - (H - 2 * P) * r[k] / max}`).join(" "));
    svg.append(line);
  });
  const label = document.createElementNS(svg.namespaceURI, "text");
  label.setAttribute("x", 4);
  label.setAttribute("y", 14);
  label.textContent = `peak ${max.toFixed(1)} ${unit}`;
  svg.append(label);
  return svg;
}

function jobsTable(items, errors = false, empty = "No jobs.") {
  return table(
    [{ label: "id", mono: true }, "type", "status", { label: "queue", wide: true }, { label: "tenant", wide: true }, "attempts", errors ? "error" : { label: "created", wide: true }],
    items.map(j => [link("/jobs/" + encodeURIComponent(j.id), j.id), j.type, status(j.status), j.queue, j.tenant,
      `${j.attempts}/${j.maxAttempts}`, errors ? (j.error ? j.error.message : "") : time(j.createdAt)]),
    empty);
}

async function jobs() {
  const q = new URLSearchParams(location.search);
  const field = (name, label, extra = {}) => h("label", {}, label, h("input", { name, value: q.get(name) || "", ...extra }));
  const when = (name, label) => h("label", {}, label,
    h("input", { name, type: "datetime-local", step: "0.001", value: localInput(q.get(name)), "data-time": "" }));
  const statusSelect = h("select", { name: "status" }, ["", "pending", "scheduled", "running", "completed", "failed", "cancelled"]
    .map(s => h("option", { value: s, selected: (q.get("status") || "") === s }, s || "any")));
  const form = h("form", { class: "filters", role: "search", onsubmit: e => { e.preventDefault(); submitFilters(form); } },
    field("q", "id starts with, or metadata value", { type: "search", maxlength: 256 }),
    h("label", {}, "status", statusSelect), field("type", "type"), field("queue", "queue"),
    isAdmin() ? field("tenant", "tenant") : null, field("batchId", "batch"),
    when("from", "created from"), when("to", "created before"),
    h("button", { type: "submit", class: "primary" }, "Filter"));
  const list = h("div", {});
  const more = h("div", { class: "actions" });
  show(h("h1", {}, "Jobs"), form, list, more);
  const params = new URLSearchParams();
  for (const k of ["q", "status", "type", "queue", "tenant", "batchId", "from", "to", "cursor"]) if (q.get(k)) params.set(k, q.get(k));
  params.set("limit", "50");
  const searched = params.has("q") || params.has("from") || params.has("to");
  await paged(list, more, "/api/jobs", "/jobs", params, items => jobsTable(items, false, searched ? "No job matches." : "No jobs."));
}

/// A keyset-paged list: the API's page shown by render, a link to the next one; the first page is re-read every two seconds.
async function paged(list, more, apiPath, pagePath, params, render) {
  const read = async () => {
    const page = await api(apiPath + "?" + params);
    fill(list, render(page.items));
    fill(more, page.nextCursor
      ? link(`${pagePath}?${new URLSearchParams({ ...Object.fromEntries(params), cursor: page.nextCursor })}`, "Next page")
      : h("span", { class: "muted" }, "End of list."));
  };
  await read().catch(e => fill(list, problem(e)));
  if (!params.has("cursor")) every(read);
}

/// An ISO time from the URL as a datetime-local input's value (local time, milliseconds).
function localInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/// The form's fields as the page's query (empty ones left out; local times sent as ISO UTC).
function submitFilters(form) {
  const params = new URLSearchParams();
  for (const el of form.elements) {
    if (!el.name || !el.value) continue;
    params.set(el.name, el.dataset.time !== undefined ? new Date(el.value).toISOString() : el.value);
  }
  go(location.pathname + (params.size ? "?" + params : ""));
}

async function job(id) {
  const view = h("div", {});
  show(h("h1", {}, "Job ", h("span", { class: "mono" }, id)), view);
  const read = async () => {
    const j = await api("/api/jobs/" + encodeURIComponent(id));
    const actions = [];
    if (canAct()) {
      if (["pending", "scheduled", "running"].includes(j.status))
        actions.push(button("cancel", "Cancel", () => act(`/api/jobs/${encodeURIComponent(id)}/cancel`, "POST", read)));
      if (j.status === "failed") {
        actions.push(button("requeue", "Requeue", () => act(`/api/dlq/${encodeURIComponent(id)}/requeue`, "POST", read), "primary"));
        actions.push(button("purge", "Purge", () => confirmThen(`Purge job ${id} from the dead-letter queue?`, () => act(`/api/dlq/${encodeURIComponent(id)}`, "DELETE", read)), "danger"));
      }
    }
    const progress = j.progress ? h("div", { id: "progress" },
      h("div", { class: "bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": j.progress.percent ?? 0 },
        sized(h("span", { class: "run" }), j.progress.percent ?? 0)),
      h("p", { class: "muted" }, `${j.progress.percent ?? "?"}% ${j.progress.message ?? ""}`)) : null;
    fill(view, 
      h("dl", { class: "fields" },
        h("dt", {}, "status"), h("dd", { id: "job-status" }, status(j.status)),
        h("dt", {}, "type"), h("dd", {}, j.type),
        h("dt", {}, "queue"), h("dd", {}, j.queue),
        h("dt", {}, "tenant"), h("dd", {}, j.tenant),
        h("dt", {}, "priority"), h("dd", {}, j.priority),
        h("dt", {}, "attempts"), h("dd", {}, `${j.attempts} of ${j.maxAttempts}`),
        h("dt", {}, "created"), h("dd", {}, time(j.createdAt)),
        j.batchId ? [h("dt", {}, "batch"), h("dd", {}, link("/batches/" + encodeURIComponent(j.batchId), j.batchId))] : null,
        j.node ? [h("dt", {}, "node"), h("dd", {}, j.node)] : null),
      h("div", { class: "actions" }, actions),
      progress,
      h("h2", {}, "History"),
      h("ol", { class: "timeline" }, (j.history || []).map(e => h("li", {},
        h("strong", {}, e.event), " ", h("span", { class: "muted" }, time(e.at)),
        e.attempt ? ` · attempt ${e.attempt}` : "", e.node ? ` · ${e.node}` : "", e.detail ? h("div", {}, e.detail) : null))),
      j.result !== undefined && j.result !== null ? [h("h2", {}, "Result"), h("pre", { id: "job-result" }, pretty(j.result))] : null,
      j.error ? [h("h2", {}, "Error"), h("pre", { class: "error" }, `${j.error.kind ?? ""} ${j.error.message ?? ""}`.trim())] : null,
      j.metadata ? [h("h2", {}, "Metadata"), h("pre", {}, pretty(j.metadata))] : null);
    return j;
  };
  try {
    const j = await read();
    if (!["completed", "cancelled"].includes(j.status)) follow(id, read);
  } catch (e) {
    fill(view, problem(e));
  }
}

function sized(el, percent) {
  el.style.width = Math.max(0, Math.min(100, percent)) + "%";
  return el;
}

/// The job's Server-Sent Events, read with fetch so the key goes along; each event re-reads the job.
async function follow(id, read) {
  stop();
  const controller = new AbortController();
  stream = controller;
  const headers = { Accept: "text/event-stream" };
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = "Bearer " + key;
  try {
    const response = await fetch(`/api/jobs/${encodeURIComponent(id)}/events`, { headers, signal: controller.signal });
    if (!response.ok || !response.body) { every(read); return; }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        buffer = buffer.slice(end + 2);
        await read().catch(() => {});
      }
    }
    await read().catch(() => {});
  } catch {
    // aborted (another page) or the stream broke: the page stays as last read
  }
}

async function act(path, method, after) {
  try {
    await api(path, { method });
  } catch (e) {
    page.prepend(problem(e));
  }
  await after().catch(() => {});
}

async function dlq() {
  const list = h("div", {});
  const note = h("p", { "aria-live": "polite" });
  const bulk = canAct() ? bulkForm(note, () => read()) : null;
  show(h("h1", {}, "Dead letters"), bulk, note, list);
  const read = async () => {
    const failed = await api("/api/dlq?limit=100");
    fill(list, table([{ label: "id", mono: true }, "type", { label: "tenant", wide: true }, "failed", "error", canAct() ? "" : null].filter(x => x !== null),
      failed.items.map(j => [link("/jobs/" + encodeURIComponent(j.id), j.id), j.type, j.tenant, time(j.completedAt), j.error ? j.error.message : "",
        canAct() ? h("span", { class: "actions" },
          button("requeue " + j.id, "Requeue", () => act(`/api/dlq/${encodeURIComponent(j.id)}/requeue`, "POST", read)),
          button("purge " + j.id, "Purge", () => confirmThen(`Purge job ${j.id}?`, () => act(`/api/dlq/${encodeURIComponent(j.id)}`, "DELETE", read)), "danger")) : null]
        .filter((_, i) => canAct() || i < 5)),
      "The dead-letter queue is empty."));
  };
  await read().catch(e => fill(list, problem(e)));
  every(read);
}

function bulkForm(note, after) {
  const form = h("form", { class: "filters", id: "bulk" },
    h("label", {}, "type", h("input", { name: "type" })),
    h("label", {}, "queue", h("input", { name: "queue" })),
    isAdmin() ? h("label", {}, "tenant", h("input", { name: "tenant" })) : null,
    h("label", {}, "failed after", h("input", { name: "failedAfter", type: "datetime-local", step: 1 })),
    h("button", { type: "submit", class: "primary", value: "requeue" }, "Requeue matching…"),
    h("button", { type: "submit", class: "danger", value: "purge" }, "Purge matching…"));
  form.addEventListener("submit", async e => {
    e.preventDefault();
    const action = e.submitter && e.submitter.value === "purge" ? "purge" : "requeue";
    const [verb, done] = action === "purge" ? ["Purge", "Purged"] : ["Requeue", "Requeued"];
    const filter = {};
    for (const [k, v] of new FormData(form)) if (v) filter[k] = k === "failedAfter" ? new Date(v).toISOString() : v;
    try {
      const preview = await api("/api/dlq/" + action, { method: "POST", body: { ...filter, dryRun: true } });
      if (preview.matched === 0) { note.textContent = "No dead-lettered job matches."; return; }
      confirmThen(`${verb} ${preview.matched}${preview.truncated ? "+" : ""} dead-lettered job${preview.matched === 1 ? "" : "s"}?`, async () => {
        const result = await api("/api/dlq/" + action, { method: "POST", body: filter });
        note.textContent = `${done} ${result.changed} of ${result.matched}.`;
        await after();
      });
    } catch (err) {
      fill(note, problem(err));
    }
  });
  return form;
}

async function batches() {
  const q = new URLSearchParams(location.search);
  const open = h("form", { class: "filters", onsubmit: e => { e.preventDefault(); const id = new FormData(open).get("id"); if (id) go("/batches/" + encodeURIComponent(id)); } },
    h("label", {}, "batch id", h("input", { name: "id", required: true })),
    h("button", { type: "submit" }, "Open"));
  const list = h("div", {});
  const more = h("div", { class: "actions" });
  show(h("h1", {}, "Batches"), open, list, more);
  const params = new URLSearchParams({ limit: "50" });
  for (const k of ["tenant", "cursor"]) if (q.get(k)) params.set(k, q.get(k));
  await paged(list, more, "/api/batches", "/batches", params, items =>
    table([{ label: "batch", mono: true }, { label: "tenant", wide: true }, "progress", "jobs", "status", { label: "created", wide: true }],
      items.map(b => [link("/batches/" + encodeURIComponent(b.id) + (b.tenant !== (me && me.tenant) ? "?tenant=" + encodeURIComponent(b.tenant) : ""), b.id),
        b.tenant, progressBar(b), batchCounts(b), status(b.status), time(b.createdAt)]),
      "No batches."));
}

/// A batch's jobs as one bar: completed, failed, running, the rest pending.
function progressBar(b) {
  const pct = n => b.total ? 100 * n / b.total : 0;
  const ended = b.completed + b.failed + b.cancelled;
  return h("div", { class: "bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": b.total, "aria-valuenow": ended,
      "aria-label": `${ended} of ${b.total} ended: ${b.completed} completed, ${b.failed} failed, ${b.cancelled} cancelled, ${b.running} running` },
    sized(h("span", { class: "done" }), pct(b.completed)), sized(h("span", { class: "fail" }), pct(b.failed)),
    sized(h("span", { class: "gone" }), pct(b.cancelled)), sized(h("span", { class: "run" }), pct(b.running)));
}

const batchCounts = b => `${b.completed + b.failed + b.cancelled} of ${b.total} ended` +
  (b.failed ? ` · ${b.failed} failed` : "") + (b.running ? ` · ${b.running} running` : "");

async function batch(id) {
  const view = h("div", {});
  show(h("h1", {}, "Batch ", h("span", { class: "mono" }, id)), view);
  const read = async () => {
    const tenant = new URLSearchParams(location.search).get("tenant");
    const scope = tenant ? "tenant=" + encodeURIComponent(tenant) : "";
    const [b, page] = await Promise.all([api(`/api/batches/${encodeURIComponent(id)}?${scope}`),
      api(`/api/jobs?limit=100&batchId=${encodeURIComponent(id)}&${scope}`)]);
    fill(view,
      progressBar(b), h("p", { class: "muted" }, batchCounts(b)),
      h("div", { class: "tiles" }, tile("status", b.status), tile("total", b.total), tile("pending", b.pending), tile("running", b.running),
        tile("completed", b.completed), tile("failed", b.failed), tile("cancelled", b.cancelled)),
      h("h2", {}, "Jobs"), jobsTable(page.items));
  };
  await read().catch(e => fill(view, problem(e)));
  every(read);
}

async function cluster() {
  const view = h("div", {});
  show(h("h1", {}, "Cluster"), view);
  if (!isAdmin()) { fill(view, h("p", { class: "muted" }, "The cluster's members and nodes are shown to admin keys.")); return; }
  const read = async () => {
    const [c, nodes, sharding] = await Promise.all([api("/api/cluster"), api("/api/nodes"), api("/api/cluster/sharding")]);
    const shards = Object.fromEntries(sharding.regions[0].nodes.map(n => [n.address, n.shardIds]));
    const stats = Object.fromEntries(nodes.nodes.map(n => [n.address, n]));
    fill(view, 
      h("p", {}, "This node: ", h("span", { class: "mono" }, c.self), " · leader: ", h("span", { class: "mono" }, c.leader ?? "none")),
      table([{ label: "member", mono: true }, "status", "reachable", "running / capacity", { label: "memory", wide: true }, { label: "heartbeat", wide: true }, { label: "partitions", wide: true }, ""],
        c.members.map(m => {
          const n = stats[m.address];
          return [m.address, m.status + (n && n.degraded ? " (memory guard)" : ""), m.reachable ? "yes" : "NO",
            n ? `${n.runningJobs} / ${n.capacity}` : "", n ? `${Math.round(n.memoryBytes / 1048576)} MiB` : "",
            n ? `${Math.round((Date.now() - new Date(n.lastHeartbeat)) / 1000)} s ago${n.stale ? " (stale)" : ""}` : "",
            (shards[m.address] || []).join(" "),
            h("span", { class: "actions" },
              button("leave " + m.address, "Leave", () => confirmThen(`Ask ${m.address} to leave the cluster? Its running jobs finish first.`, () => member("/api/cluster/leave", m.address, read))),
              button("down " + m.address, "Down", () => confirmThen(`Mark ${m.address} down now? Its running jobs run again elsewhere.`, () => member("/api/cluster/down", m.address, read)), "danger"))];
        })));
  };
  await read().catch(e => fill(view, problem(e)));
  every(read);
}

async function member(path, address, after) {
  try {
    await api(path, { method: "POST", body: { address } });
  } catch (e) {
    page.prepend(problem(e));
  }
  await after().catch(() => {});
}

async function usage() {
  const q = new URLSearchParams(location.search);
  const tenant = q.get("tenant") || (me ? me.tenant : "");
  const form = h("form", { class: "filters", onsubmit: e => { e.preventDefault(); submitFilters(form); } },
    isAdmin() ? h("label", {}, "tenant", h("input", { name: "tenant", value: tenant })) : null,
    h("label", {}, "from", h("input", { name: "from", type: "date", value: q.get("from") || "" })),
    h("label", {}, "to", h("input", { name: "to", type: "date", value: q.get("to") || "" })),
    h("button", { type: "submit", class: "primary" }, "Show"));
  const view = h("div", {});
  show(h("h1", {}, "Usage"), form, view);
  const params = new URLSearchParams({ tenant });
  for (const k of ["from", "to"]) if (q.get(k)) params.set(k, q.get(k));
  try {
    const u = await api("/api/usage?" + params);
    const quota = u.limits ? Object.entries(u.limits).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`).join(", ") : "";
    fill(view, 
      h("p", {}, "Tenant ", h("strong", {}, u.tenant), quota ? ` · quotas per day: ${quota}` : " · no quotas"),
      table(["day", "jobs", "prompt tokens", "completion tokens", "cost (USD)"],
        u.days.map(d => [d.day, d.jobs, d.promptTokens, d.completionTokens, d.costUsd]), "No usage."),
      h("p", {}, `Total: ${u.total.jobs} jobs, ${u.total.promptTokens + u.total.completionTokens} tokens, ${u.total.costUsd} USD`));
  } catch (e) {
    fill(view, problem(e));
  }
}

async function schedules() {
  const view = h("div", {});
  show(h("h1", {}, "Schedules"), view);
  const act = (s, what) => api(`/api/schedules/${encodeURIComponent(s.id)}${what === "delete" ? "" : "/" + what}${isAdmin() ? "?tenant=" + encodeURIComponent(s.tenant) : ""}`,
    { method: what === "delete" ? "DELETE" : "POST" }).then(read, e => view.prepend(problem(e)));
  const read = async () => {
    const list = await api("/api/schedules");
    fill(view,
      list.truncated ? h("p", { class: "muted" }, "Only the first 10,000 schedules are shown.") : null,
      table(["id", "tenant", "cron", { label: "job", wide: true }, "state", "next run", { label: "last run", wide: true }, ""],
        list.items.map(s => [s.id, s.tenant, `${s.cron} (${s.timeZone})`, s.job.type, s.paused ? "paused" : "firing", time(s.nextRunAt),
          s.lastJobId ? link("/jobs/" + encodeURIComponent(s.lastJobId), time(s.lastRunAt)) : "",
          canAct() ? h("span", { class: "actions" },
            s.paused ? button("resume " + s.tenant + "/" + s.id, "Resume", () => act(s, "resume"))
                     : button("pause " + s.tenant + "/" + s.id, "Pause", () => act(s, "pause")),
            button("delete " + s.tenant + "/" + s.id, "Delete", () => confirmThen(`Delete schedule ${s.id} of ${s.tenant}? The jobs it created stay.`, () => act(s, "delete")), "danger"))
            : ""]),
        "No schedules."));
  };
  await read().catch(e => fill(view, problem(e)));
  every(read);
}

/// A key's limits as text: "concurrency 4 · 2/s (burst 2) · 90000 tokens/min".
const limitText = l => l ? [l.concurrency != null ? `concurrency ${l.concurrency}` : null, l.ratePerSecond != null ? `${l.ratePerSecond}/s (burst ${l.burst})` : null,
  l.tokensPerMinute != null ? `${l.tokensPerMinute} tokens/min` : null].filter(Boolean).join(" · ") + ` · ${l.held} held, ${l.waiting} waiting` : "none";

async function queues() {
  const view = h("div", {});
  show(h("h1", {}, "Queues"), view);
  if (!isAdmin()) { fill(view, h("p", { class: "muted" }, "Queues are shown to admin keys.")); return; }
  const switchQueue = (q, what) => api(`/api/queues/${encodeURIComponent(q)}/${what}`, { method: "POST" }).then(read, e => view.prepend(problem(e)));
  const read = async () => {
    const list = await api("/api/queues");
    fill(view,
      table(["queue", "pending", "running", "state", { label: "limits", wide: true }, "partitions", ""],
        list.items.map(q => [q.queue, q.pending, q.running, q.paused ? "paused" : "running", limitText(q.limits), q.partitions,
          q.paused ? button("resume " + q.queue, "Resume", () => switchQueue(q.queue, "resume"))
                   : button("pause " + q.queue, "Pause", () => confirmThen(`Pause queue ${q.queue}? No node starts its jobs until it is resumed; running ones finish.`,
                       () => switchQueue(q.queue, "pause")), "danger")])),
      h("p", { class: "muted" }, "Pending and running come from the nodes' heartbeats; a paused queue still accepts jobs."));
  };
  await read().catch(e => fill(view, problem(e)));
  every(read);
}

async function limits() {
  const view = h("div", {});
  const note = h("p", { "aria-live": "polite" });
  if (!isAdmin()) { show(h("h1", {}, "Limits"), h("p", { class: "muted" }, "Limits are shown to admin keys.")); return; }
  const number = name => h("input", { name, inputmode: "decimal", size: 8 });
  const form = h("form", { class: "filters", "aria-label": "set a key's limits" },
    h("label", {}, "key", h("input", { name: "key", required: true, size: 12 })),
    h("label", {}, "concurrency", number("concurrency")), h("label", {}, "per second", number("ratePerSecond")),
    h("label", {}, "burst", number("burst")), h("label", {}, "tokens per minute", number("tokensPerMinute")),
    h("button", { type: "submit", class: "primary" }, "Set"), note);
  form.addEventListener("submit", async e => {
    e.preventDefault();
    const body = {};
    for (const k of ["concurrency", "ratePerSecond", "burst", "tokensPerMinute"]) if (form.elements[k].value) body[k] = Number(form.elements[k].value);
    try {
      await api("/api/limits/" + encodeURIComponent(form.elements.key.value.trim()), { method: "PUT", body });
      fill(note, `Limits of ${form.elements.key.value.trim()} set.`);
      await read();
    } catch (err) {
      fill(note, problem(err));
    }
  });
  const read = async () => {
    const list = await api("/api/limits");
    fill(view,
      table(["key", "concurrency", "per second", "burst", "tokens / min", "held", "waiting", ""],
        list.items.map(l => [l.key, l.concurrency ?? "", l.ratePerSecond ?? "", l.burst ?? "", l.tokensPerMinute ?? "", l.held, l.waiting,
          button("delete " + l.key, "Delete", () => confirmThen(`Remove the limits of ${l.key}? Its waiting jobs start freely.`,
            () => api("/api/limits/" + encodeURIComponent(l.key), { method: "DELETE" }).then(read, e => view.prepend(problem(e)))), "danger")]),
        "No limits. Jobs name a key with limitKey; a queue's key is queue:<name>."));
  };
  show(h("h1", {}, "Limits"), view, h("h2", {}, "Set a key's limits"), form);
  await read().catch(e => fill(view, problem(e)));
  every(read);
}

function login() {
  stop();
  const input = h("input", { name: "key", type: "password", autocomplete: "off", required: true, id: "key" });
  const note = h("p", { "aria-live": "polite" });
  const form = h("form", {}, h("label", { for: "key" }, "API key"), input, h("button", { type: "submit", class: "primary" }, "Log in"), note);
  form.addEventListener("submit", async e => {
    e.preventDefault();
    sessionStorage.setItem(KEY, input.value.trim());
    try {
      me = await api("/api/whoami");
      go("/");
    } catch (err) {
      sessionStorage.removeItem(KEY);
      fill(note, problem(err));
    }
  });
  show(h("div", { class: "login" }, h("h1", {}, "Log in"),
    h("p", { class: "muted" }, "The key stays in this tab only and is sent to this node's API, nowhere else."), form));
  input.focus();
}

// ---- routing -------------------------------------------------------------------------------

const routes = [
  [/^\/$/, overview], [/^\/login$/, login], [/^\/jobs$/, jobs], [/^\/jobs\/([^/]+)$/, job], [/^\/dlq$/, dlq],
  [/^\/batches$/, batches], [/^\/batches\/([^/]+)$/, batch], [/^\/schedules$/, schedules], [/^\/queues$/, queues],
  [/^\/limits$/, limits], [/^\/cluster$/, cluster], [/^\/usage$/, usage],
];

function go(path) {
  history.pushState(null, "", path);
  render();
}

async function render() {
  stop();
  const path = location.pathname;
  for (const a of document.querySelectorAll("header nav a"))
    a.toggleAttribute("aria-current", a.getAttribute("href") === path || (a.getAttribute("href") !== "/" && path.startsWith(a.getAttribute("href"))));
  for (const a of document.querySelectorAll("header nav a[aria-current]")) a.setAttribute("aria-current", "page");
  if (path !== "/login" && !me) {
    try {
      me = await api("/api/whoami");
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) show(problem(e));
      return;
    }
  }
  document.getElementById("who").textContent = me ? `${me.tenant} · ${me.role}` : "";
  document.getElementById("logout").hidden = !(me && me.keysConfigured);
  for (const [pattern, view] of routes) {
    const m = pattern.exec(path);
    if (m) {
      await view(...m.slice(1).map(decodeURIComponent));
      // a page opened inside the app puts the focus on its content; a page loaded afresh leaves it at the
      // document's start, so the first Tab reaches the skip link
      if (rendered) page.focus({ preventScroll: true });
      rendered = true;
      return;
    }
  }
  show(h("p", {}, "No such page."));
}

// ---- light and dark: the system's choice until the toggle picks one (kept in this browser) ----

const THEME = "jobs.theme";
const themeButton = document.getElementById("theme");

function applyTheme() {
  const chosen = localStorage.getItem(THEME);
  if (chosen) document.documentElement.dataset.theme = chosen; else delete document.documentElement.dataset.theme;
  const dark = chosen ? chosen === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  themeButton.setAttribute("aria-pressed", String(dark));
}
themeButton.addEventListener("click", () => {
  localStorage.setItem(THEME, themeButton.getAttribute("aria-pressed") === "true" ? "light" : "dark");
  applyTheme();
});
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", applyTheme);
applyTheme();

document.getElementById("skip").addEventListener("click", e => { e.preventDefault(); page.focus(); });

document.addEventListener("click", e => {
  const a = e.target.closest("a[href]");
  if (!a || a.id === "skip" || a.origin !== location.origin || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  go(a.pathname + a.search);
});
document.getElementById("logout").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  me = null;
  go("/login");
});
window.addEventListener("popstate", render);
render();
