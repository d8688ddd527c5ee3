// The Agentic dashboard: plain JavaScript over the /v1 API with the tenant's key (kept for the browser session).
"use strict";

const view = document.getElementById("view");
let timer = null;
let stream = null;

function key() { return sessionStorage.getItem("agentic.key"); }

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "Authorization": "Bearer " + key(), ...(options.body ? { "Content-Type": "application/json" } : {}), ...(options.headers || {}) },
  });
  if (response.status === 401) {
    sessionStorage.removeItem("agentic.key");
    if (location.hash !== "" && location.hash !== "#/") { location.hash = "#/"; }
    throw new Error("the key was refused");
  }
  const text = await response.text();
  const body = text ? (response.headers.get("content-type") || "").includes("json") ? JSON.parse(text) : text : null;
  if (!response.ok) { throw new Error(body && body.detail ? body.detail : response.status + " " + response.statusText); }
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "onclick" || name === "onsubmit") { node[name] = value; } else if (value !== undefined && value !== null) { node.setAttribute(name, value); }
  }
  for (const child of children.flat()) { node.append(child instanceof Node ? child : document.createTextNode(String(child))); }
  return node;
}

function phase(p) { return el("span", { class: "phase " + p, "data-phase": p }, p); }

function stop() {
  if (timer) { clearInterval(timer); timer = null; }
  if (stream) { stream.abort(); stream = null; }
}

function signIn() {
  stop();
  const error = el("p", { class: "error" });
  const input = el("input", { id: "key", type: "password", placeholder: "agk_…", size: 60, autocomplete: "off" });
  view.replaceChildren(el("section", {}, el("h2", {}, "Sign in with your tenant's API key"),
    el("form", { class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      sessionStorage.setItem("agentic.key", input.value.trim());
      try { await api("/v1/lifetimes?limit=1"); location.hash = "#/lifetimes"; route(); } catch (x) { error.textContent = x.message; }
    } }, input, el("button", { id: "signin", type: "submit" }, "Sign in")), error));
}

async function lifetimes() {
  stop();
  const error = el("p", { class: "error", id: "start-error" });
  const graph = el("input", { id: "start-graph", placeholder: "graph name", required: "", list: "graphs" });
  const published = el("datalist", { id: "graphs" });
  api("/v1/graphs").then(graphs => published.replaceChildren(...graphs.map(g => el("option", { value: g.name }, `${g.name} ${g.latest}`)))).catch(() => {});
  const version = el("input", { id: "start-version", placeholder: "latest", size: 8 });
  const input = el("textarea", { id: "start-input" }, "{}");
  const rows = el("tbody", { id: "lifetimes" });
  const spend = el("div", { id: "spend" });
  const policies = el("ul", { id: "policies" });
  api("/v1/policies").then(p => policies.replaceChildren(...(p.in_force.policies.length === 0 ? [el("li", { class: "muted" }, "none")] :
    p.in_force.policies.map(x => el("li", { class: x.own ? "own" : "" }, el("span", { class: "mono" }, x.name), ` ${x.scope} · ${x.action.replace("_", " ")}` + (x.graph ? ` · graph ${x.graph}` : "") + (x.window ? ` · ${x.window}` : "")))))).catch(() => {});
  view.replaceChildren(
    el("section", {}, el("h2", {}, "Start a lifetime of a published graph"),
      el("form", { class: "inline", onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = "";
        try {
          const started = await api("/v1/lifetimes", { method: "POST", body: JSON.stringify({ graph: graph.value, version: version.value || null, input: JSON.parse(input.value || "null") }) });
          location.hash = "#/lifetimes/" + started.id;
        } catch (x) { error.textContent = x.message; }
      } }, el("label", {}, "graph", graph, published), el("label", {}, "version", version), el("label", {}, "input (JSON)", input), el("button", { id: "start", type: "submit" }, "Start")), error),
    el("div", { class: "grid" },
      el("section", {}, el("h2", {}, "Lifetimes"), el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "lifetime"), el("th", {}, "graph"), el("th", {}, "phase"), el("th", {}, "started"))), rows)),
      el("section", {}, el("h2", {}, "Spend over time"), spend,
        el("h2", {}, "Policies in force"), policies, el("p", { class: "muted" }, "yours (PUT /v1/policies) are marked; the others are the operator's"))));
  const refresh = async () => {
    try {
      const page = await api("/v1/lifetimes?limit=50");
      rows.replaceChildren(...page.lifetimes.map(l => el("tr", { "data-id": l.id },
        el("td", {}, el("a", { href: "#/lifetimes/" + l.id, class: "mono" }, l.id)), el("td", {}, `${l.graph} ${l.version}`), el("td", {}, phase(l.phase)), el("td", { class: "muted" }, new Date(l.started_at).toLocaleTimeString()))));
      drawSpend(spend, await api("/v1/usage"));
    } catch (x) { error.textContent = x.message; }
  };
  await refresh();
  timer = setInterval(refresh, 1000);
}

function drawSpend(target, usage) {
  const hours = usage.by_hour || [];
  const total = el("p", { class: "muted", id: "spend-total" }, `${usage.tokens_used} tokens, $${usage.cost_usd.toFixed(4)} in ${usage.lifetimes} lifetimes`);
  if (hours.length === 0) { target.replaceChildren(total); return; }
  const width = 460, height = 120, max = Math.max(...hours.map(h => h.tokens_used), 1), bar = Math.max(4, Math.floor(width / hours.length) - 4);
  const svg = el("svg:svg", { width, height: height + 20, viewBox: `0 0 ${width} ${height + 20}` },
    hours.map((h, i) => {
      const barHeight = Math.max(1, Math.round(h.tokens_used / max * height));
      return el("svg:rect", { class: "bar", x: i * (bar + 4), y: height - barHeight, width: bar, height: barHeight }, el("svg:title", {}, `${new Date(h.hour).toLocaleString()}: ${h.tokens_used} tokens, $${h.cost_usd.toFixed(4)}`));
    }));
  target.replaceChildren(svg, total);
}

// Layers from the start node (longest path in steps, cycles broken), then boxes and edges; what ran is green, what
// fails red, what runs or waits now amber.
function drawGraph(graph, records, lifetime) {
  const names = graph.nodes.map(n => n.name).concat(graph.edges.some(e => e.to === "end") ? ["end"] : []);
  const depth = Object.fromEntries(names.map(n => [n, 0]));
  const order = [graph.start];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    for (const e of graph.edges.filter(e => e.from === order[i])) {
      if (!seen.has(e.to)) { seen.add(e.to); depth[e.to] = depth[order[i]] + 1; order.push(e.to); }
    }
  }
  const layers = {};
  for (const n of names) { (layers[depth[n]] = layers[depth[n]] || []).push(n); }
  const box = { w: 120, h: 34, dx: 170, dy: 60 };
  const at = {};
  for (const [d, layer] of Object.entries(layers)) { layer.forEach((n, i) => { at[n] = { x: 20 + i * box.dx, y: 20 + d * box.dy }; }); }
  const ran = new Set(records.filter(r => r.status === "completed").map(r => r.node));
  const failed = new Set(records.filter(r => r.status === "failed").map(r => r.node));
  const current = new Set((lifetime.awaiting || []).map(a => a.node));
  if (["completed"].includes(lifetime.phase)) { ran.add("end"); }
  const taken = new Set(records.filter(r => r.edge_taken).map(r => r.edge_taken));
  // Room on the right for the curves of edges that loop back.
  const width = Math.max(...Object.values(at).map(p => p.x)) + box.w + 80, height = Math.max(...Object.values(at).map(p => p.y)) + box.h + 20;
  return el("svg:svg", { id: "graph", width, height, viewBox: `0 0 ${width} ${height}` },
    el("svg:defs", {}, el("svg:marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, el("svg:path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#99a" }))),
    graph.edges.map(e => {
      const a = at[e.from], b = at[e.to];
      if (!a || !b) { return el("svg:g"); }
      const back = b.y <= a.y;
      const d = back
        ? `M ${a.x + box.w} ${a.y + box.h / 2} C ${a.x + box.w + 60} ${a.y}, ${b.x + box.w + 60} ${b.y + box.h}, ${b.x + box.w} ${b.y + box.h / 2}`
        : `M ${a.x + box.w / 2} ${a.y + box.h} L ${b.x + box.w / 2} ${b.y}`;
      return el("svg:path", { class: "edge" + (taken.has(`${e.from}->${e.to}`) || (e.to === "end" && lifetime.phase === "completed" && ran.has(e.from)) ? " taken" : ""), d });
    }),
    names.map(n => el("svg:g", { class: "node" + (current.has(n) ? " current" : failed.has(n) && !ran.has(n) ? " failed" : ran.has(n) ? " done" : ""), "data-node": n, transform: `translate(${at[n].x},${at[n].y})` },
      el("svg:rect", { width: box.w, height: box.h }), el("svg:text", { x: box.w / 2, y: box.h / 2 }, n))));
}

async function lifetime(id) {
  stop();
  const error = el("p", { class: "error" });
  const head = el("div");
  const graphBox = el("div", { id: "graph-box" });
  const inputs = el("div", { id: "inputs" });
  const timeline = el("tbody", { id: "timeline" });
  view.replaceChildren(el("section", {}, head, error), el("section", {}, el("h2", {}, "Graph"), graphBox), inputs,
    el("section", {}, el("h2", {}, "Timeline"), el("table", {}, el("thead", {}, el("tr", {}, ["#", "record", "node", "status", "attempt", "ms", "tokens", "cost"].map(h => el("th", {}, h)))), timeline)));
  let graph = null;
  const refresh = async () => {
    try {
      const l = await api("/v1/lifetimes/" + id);
      const journal = await api(`/v1/lifetimes/${id}/journal?limit=1000`);
      graph = graph || await api(`/v1/graphs/${encodeURIComponent(l.graph)}/${encodeURIComponent(l.version)}`);
      head.replaceChildren(el("h2", {}, "Lifetime ", el("span", { class: "mono" }, l.id), " ", phase(l.phase)),
        el("p", { class: "muted", id: "summary" }, `${l.graph} ${l.version} · ${l.executions} executions · ${l.tokens_used} tokens · $${l.cost_usd.toFixed(4)}`, l.result !== null ? " · result " : "", l.result !== null ? el("code", { id: "result" }, JSON.stringify(l.result)) : "", l.reason ? " · " + l.reason : ""),
        el("p", {}, ["pause", "resume", "abort"].map(action => el("button", { class: "secondary", onclick: async () => { try { await api(`/v1/lifetimes/${id}/${action}`, { method: "POST", body: JSON.stringify({ actor: "dashboard" }) }); await refresh(); } catch (x) { error.textContent = x.message; } } }, action))));
      graphBox.replaceChildren(drawGraph(graph, journal.records, l));
      const waiting = (l.awaiting || []).filter(a => a.phase === "waiting");
      inputs.replaceChildren(...waiting.map(a => {
        const answer = el("textarea", { "data-execution": a.execution_id, class: "answer" }, '{"ok": true}');
        return el("section", { class: "awaiting" }, el("h2", {}, `${a.node} asks: `, el("span", {}, a.prompt === null ? "" : typeof a.prompt === "string" ? a.prompt : JSON.stringify(a.prompt))),
          el("form", { class: "inline", onsubmit: async (e) => {
            e.preventDefault();
            try { await api(`/v1/lifetimes/${id}/inputs/${encodeURIComponent(a.execution_id)}`, { method: "POST", body: JSON.stringify({ input: JSON.parse(answer.value), actor: "dashboard" }) }); await refresh(); } catch (x) { error.textContent = x.message; }
          } }, answer, el("button", { type: "submit", class: "answer-button" }, "Answer")));
      }));
      const first = journal.records.length ? Date.parse(journal.records[0].recorded_at) : 0;
      timeline.replaceChildren(...journal.records.map(r => el("tr", {},
        el("td", {}, r.sequence), el("td", {}, r.type.replace("_", " ")), el("td", {}, r.node || ""), el("td", {}, r.status ? phase(r.status) : r.action || ""),
        el("td", {}, r.attempt || ""), el("td", { class: "mono" }, r.latency_ms !== undefined ? r.latency_ms : Date.parse(r.recorded_at) - first),
        el("td", {}, r.tokens_used || ""), el("td", {}, r.cost_usd ? "$" + r.cost_usd.toFixed(4) : ""))));
    } catch (x) { error.textContent = x.message; }
  };
  await refresh();
  follow(id, refresh);
}

// Server-sent events read with fetch (an EventSource cannot send the key): every record refreshes the page.
async function follow(id, refresh) {
  stream = new AbortController();
  try {
    const response = await fetch(`/v1/lifetimes/${id}/events`, { headers: { "Authorization": "Bearer " + key() }, signal: stream.signal });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) { break; }
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) { buffer = buffer.slice(end + 2); await refresh(); }
    }
    await refresh();
  } catch (x) {
    if (x.name !== "AbortError") { timer = setInterval(refresh, 1000); }
  }
}

function route() {
  const signedIn = !!key();
  document.getElementById("signout").hidden = !signedIn;
  document.getElementById("who").textContent = signedIn ? "signed in with a tenant key" : "";
  const match = location.hash.match(/^#\/lifetimes\/(.+)$/);
  if (!signedIn) { signIn(); } else if (match) { lifetime(decodeURIComponent(match[1])); } else { lifetimes(); }
}

document.getElementById("signout").onclick = () => { sessionStorage.removeItem("agentic.key"); location.hash = "#/"; route(); };
window.addEventListener("hashchange", route);
route();
