// GET /wallboard: a page for a TV on the support floor. It shows each team's open,
// at-risk and breached cases and the latest SLA alerts, live. It is one self-contained
// document (inline style and script, no fonts or scripts from elsewhere), so it works
// where the floor's network reaches nothing but this server.
//
// The page holds no data of its own: it reads `liveMetrics` and `slaAlerts` as
// server-sent events from /graphql with the token the viewer pastes, so every byte it
// shows passes the same gate, auth scopes and per-event permissions as any client's.
// Browsers' EventSource cannot send an Authorization header, hence fetch and a stream
// reader. The token stays in sessionStorage: it survives a reload of the tab and is gone
// when the tab closes; it is never in a cookie, so no other request carries it.
//
// The Content-Security-Policy allows only the page's own script and style (by hash) and
// connections to this server; Trusted Types forbid HTML sinks, so server text reaches the
// page as text only.
import { createHash } from "node:crypto";
import type { Plugin } from "graphql-yoga";

export const WALLBOARD_PATH = "/wallboard";

/** Where the page keeps the pasted token (sessionStorage). */
export const WALLBOARD_TOKEN_KEY = "caseflow.wallboard.token";

/** Team figures; the team's name comes with them (Team is readable by any credential). */
export const WALLBOARD_METRICS = "subscription WallboardMetrics { liveMetrics { team { id name } open atRisk breached at } }";

/**
 * SLA alerts on the cases the viewer may see (needs tickets:read; the board shows why when
 * refused). A practice case's alert is marked as practice: its case counts in no figure.
 */
export const WALLBOARD_ALERTS =
  "subscription WallboardAlerts { slaAlerts { id kind target at ticket { number priority practice team { name } } } }";

const style = `
:root { color-scheme: dark; --bg: #0b0f14; --panel: #141b24; --line: #263241; --text: #e8eef5; --dim: #8b9bb0;
  --ok: #3ecf8e; --warn: #ffb020; --bad: #ff5c5c; }
* { box-sizing: border-box; }
html { font-size: clamp(14px, min(1.55vw, 2.75vh), 40px); }
body { margin: 0; height: 100vh; overflow: hidden; background: var(--bg); color: var(--text);
  font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; line-height: 1.2;
  display: grid; grid-template-rows: auto 1fr; }
header { display: flex; align-items: center; gap: 1rem; padding: 0.6rem 1.2rem; border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 1.4rem; font-weight: 700; flex: 1; }
#state { font-size: 1.1rem; font-weight: 700; padding: 0.2rem 0.8rem; border-radius: 999px; background: var(--panel); }
#state[data-state="live"] { color: var(--ok); }
#state[data-state="reconnecting"], #state[data-state="connecting"] { color: var(--warn); }
#state[data-state="refused"] { color: var(--bad); }
#updated { color: var(--dim); font-size: 0.9rem; font-variant-numeric: tabular-nums; }
button { font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--line); border-radius: 0.4rem;
  padding: 0.3rem 0.8rem; cursor: pointer; }
main { display: grid; grid-template-columns: 3fr 2fr; gap: 1rem; padding: 1rem 1.2rem; min-height: 0; }
section { background: var(--panel); border-radius: 0.6rem; padding: 0.8rem 1rem; min-height: 0; overflow: hidden; }
h2 { margin: 0 0 0.5rem; font-size: 1.1rem; color: var(--dim); font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { text-align: right; color: var(--dim); font-weight: 600; font-size: 0.9rem; padding: 0.2rem 0.6rem; }
th:first-child, td:first-child { text-align: left; }
td { padding: 0.35rem 0.6rem; border-top: 1px solid var(--line); font-size: 1.5rem; }
td.count { text-align: right; font-weight: 700; font-size: 2rem; }
td.team { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 0; width: 55%; }
td.atRisk:not([data-zero]) { color: var(--warn); }
td.breached:not([data-zero]) { color: var(--bad); }
ol { list-style: none; margin: 0; padding: 0; }
li { display: grid; grid-template-columns: auto 1fr auto; gap: 0.2rem 0.8rem; padding: 0.45rem 0; border-top: 1px solid var(--line); }
li .kind { font-weight: 700; font-size: 1.1rem; }
li[data-kind="BREACH"] .kind { color: var(--bad); }
li[data-kind="WARNING"] .kind { color: var(--warn); }
li .number { white-space: nowrap; font-weight: 700; font-size: 1.3rem; font-variant-numeric: tabular-nums; }
li .time { color: var(--dim); font-variant-numeric: tabular-nums; }
li .what { grid-column: 2 / 4; color: var(--dim); font-size: 0.95rem; }
li[data-practice] .kind, li[data-practice] .number { color: var(--dim); }
.note { color: var(--dim); font-size: 1rem; margin: 0.4rem 0; }
#prompt { position: fixed; inset: 0; display: grid; place-items: center; background: rgba(11, 15, 20, 0.96); }
#prompt[hidden] { display: none; }
#prompt form { width: min(40rem, 90vw); display: grid; gap: 0.8rem; background: var(--panel); padding: 1.5rem; border-radius: 0.8rem; }
#prompt h2 { color: var(--text); text-transform: none; letter-spacing: 0; font-size: 1.4rem; }
#prompt input { font: inherit; padding: 0.5rem 0.7rem; border-radius: 0.4rem; border: 1px solid var(--line); background: var(--bg); color: var(--text); }
#reason { color: var(--bad); margin: 0; min-height: 1.2em; }
`;

// Plain ES2017 for TV browsers: no modules, no build step.
const script = `
(function () {
  "use strict";
  var KEY = ${JSON.stringify(WALLBOARD_TOKEN_KEY)};
  var GRAPHQL = document.body.getAttribute("data-graphql");
  var METRICS = ${JSON.stringify(WALLBOARD_METRICS)};
  var ALERTS = ${JSON.stringify(WALLBOARD_ALERTS)};
  var MAX_ALERTS = 10;
  // The server sends a comment line every 12 s; silence for much longer means a dead connection.
  var QUIET_MS = 45000;
  var BACKOFF_MS = [1000, 2000, 5000, 10000, 30000];
  var TARGETS = { FIRST_RESPONSE: "first response", RESOLUTION: "resolution", FOLLOW_UP: "follow-up" };
  var KINDS = { WARNING: "At risk", BREACH: "Breached" };
  var $ = function (id) { return document.getElementById(id); };
  var board = null;

  function Refused(message, code) { this.message = message; this.code = code; }
  function Retry(message, afterMs) { this.message = message; this.afterMs = afterMs; }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // ── the token prompt ──
  function showPrompt(reason) {
    $("reason").textContent = reason || "";
    $("prompt").hidden = false;
    $("token").focus();
  }
  $("prompt-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var token = $("token").value.trim().replace(/^Bearer\\s+/i, "");
    if (!token) return showPrompt("Paste a token first.");
    $("token").value = "";
    sessionStorage.setItem(KEY, token);
    start(token);
  });
  $("change-token").addEventListener("click", function () {
    stop();
    sessionStorage.removeItem(KEY);
    setState("connecting", "Waiting for a token");
    showPrompt("");
  });

  // ── connection state: live only when both streams are ──
  function setState(state, text) {
    $("state").setAttribute("data-state", state);
    $("state").textContent = text;
  }
  function showState() {
    if (!board) return;
    var streams = [board.streams.metrics, board.streams.alerts];
    var waiting = streams.filter(function (s) { return s.state === "reconnecting"; })[0];
    if (waiting) setState("reconnecting", "Reconnecting in " + Math.round(waiting.delayMs / 1000) + " s" + (waiting.why ? " (" + waiting.why + ")" : ""));
    else if (streams.every(function (s) { return s.state === "live"; })) setState("live", "Live");
    else setState("connecting", "Connecting");
  }

  // ── the figures ──
  function showMetrics(m) {
    var rows = $("teams");
    var row = board.rows.get(m.team.id);
    if (!row) {
      row = element("tr");
      row.setAttribute("data-team-id", m.team.id);
      row.setAttribute("data-team-name", m.team.name);
      row.appendChild(element("td", "team", m.team.name));
      ["open", "atRisk", "breached"].forEach(function (field) { row.appendChild(element("td", "count " + field)); });
      var after = Array.prototype.find.call(rows.children, function (other) {
        return other.getAttribute("data-team-name").localeCompare(m.team.name) > 0;
      });
      rows.insertBefore(row, after || null);
      board.rows.set(m.team.id, row);
      $("no-teams").hidden = true;
    }
    ["open", "atRisk", "breached"].forEach(function (field) {
      var cell = row.querySelector("." + field);
      cell.textContent = String(m[field]);
      if (m[field] === 0) cell.setAttribute("data-zero", "");
      else cell.removeAttribute("data-zero");
    });
    $("updated").textContent = "Counted " + clock(m.at);
  }

  function showAlert(a) {
    var list = $("alerts");
    // The same alert never arrives twice on one stream, but may again after a reconnect.
    if (board.alertIds.has(a.id)) return;
    board.alertIds.add(a.id);
    var item = element("li");
    item.setAttribute("data-alert-id", a.id);
    item.setAttribute("data-kind", a.kind);
    item.appendChild(element("span", "kind", KINDS[a.kind] || a.kind));
    item.appendChild(element("span", "number", a.ticket.number));
    item.appendChild(element("span", "time", clock(a.at)));
    var team = a.ticket.team ? a.ticket.team.name : "no team";
    // A practice case's alert says so: a trainee's case, counted in none of the figures.
    if (a.ticket.practice) item.setAttribute("data-practice", "");
    var what = (TARGETS[a.target] || a.target) + " · " + a.ticket.priority + " · " + team;
    item.appendChild(element("span", "what", a.ticket.practice ? "practice · " + what : what));
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_ALERTS) list.removeChild(list.lastChild);
    $("no-alerts").hidden = true;
  }

  // ── server-sent events over fetch ──
  function classify(errors) {
    var first = errors[0] || {};
    var code = first.extensions && first.extensions.code;
    var message = first.message || "Unexpected error.";
    if (code === "UNAUTHENTICATED" || code === "FORBIDDEN") return new Refused(message, code);
    if (code === "RATE_LIMITED") return new Retry(message, (first.extensions.retryAfterSeconds || 1) * 1000);
    return new Retry(message, null);
  }

  // Resolves when the server completes the stream; rejects with Refused, Retry or a network error.
  function follow(stream, controller, onData) {
    return fetch(GRAPHQL, {
      method: "POST",
      signal: controller.signal,
      cache: "no-store",
      credentials: "omit",
      headers: { accept: "text/event-stream", "content-type": "application/json", authorization: "Bearer " + board.token },
      body: JSON.stringify({ query: stream.query }),
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("text/event-stream") < 0) {
        return response.json().then(
          function (body) { throw body && body.errors ? classify(body.errors) : new Retry("HTTP " + response.status, null); },
          function () { throw new Retry("HTTP " + response.status, null); },
        );
      }
      if (response.ok) opened(stream);
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var quiet;
      var listen = function () {
        clearTimeout(quiet);
        quiet = setTimeout(function () { controller.abort(); }, QUIET_MS);
      };
      listen();
      var read = function () {
        return reader.read().then(function (chunk) {
          listen();
          if (chunk.done) { clearTimeout(quiet); return; }
          buffer = (buffer + decoder.decode(chunk.value, { stream: true })).replace(/\\r\\n?/g, "\\n");
          var end;
          while ((end = buffer.indexOf("\\n\\n")) >= 0) {
            var frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            var event = "message";
            var data = [];
            frame.split("\\n").forEach(function (line) {
              if (line.indexOf("event:") === 0) event = line.slice(6).trim();
              else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
            });
            if (event === "complete") { clearTimeout(quiet); controller.abort(); return; }
            if (event !== "next" || !data.length) continue;
            var payload = JSON.parse(data.join("\\n"));
            if (payload.errors && payload.errors.length) { clearTimeout(quiet); throw classify(payload.errors); }
            if (payload.data) onData(payload.data);
          }
          return read();
        }, function (error) { clearTimeout(quiet); throw error; });
      };
      return read();
    });
  }

  function opened(stream) {
    stream.attempt = 0;
    stream.state = "live";
    stream.why = "";
    showState();
  }

  function keep(stream, onData) {
    if (!board || board !== stream.board) return;
    var controller = new AbortController();
    board.controllers.push(controller);
    follow(stream, controller, onData).then(
      function () { return null; },
      function (error) { return error; },
    ).then(function (error) {
      if (!board || board !== stream.board) return;
      board.controllers.splice(board.controllers.indexOf(controller), 1);
      if (error instanceof Refused) {
        if (stream.optional && error.code === "FORBIDDEN") {
          stream.state = "live";
          $("alerts-refused").textContent = "This token may not read SLA alerts (" + error.message + "); they need the tickets:read scope.";
          $("alerts-refused").hidden = false;
          $("no-alerts").hidden = true;
          return showState();
        }
        return refuse(error.message);
      }
      var step = BACKOFF_MS[Math.min(stream.attempt, BACKOFF_MS.length - 1)];
      stream.attempt++;
      stream.delayMs = error instanceof Retry && error.afterMs ? error.afterMs : Math.round(step * (0.75 + Math.random() * 0.5));
      stream.state = "reconnecting";
      stream.why = error instanceof Retry ? error.message : error ? "connection lost" : "stream ended";
      showState();
      board.timers.push(setTimeout(function () { keep(stream, onData); }, stream.delayMs));
    });
  }

  function start(token) {
    stop();
    $("prompt").hidden = true;
    $("teams").textContent = "";
    $("alerts").textContent = "";
    $("no-teams").hidden = false;
    $("no-alerts").hidden = false;
    $("alerts-refused").hidden = true;
    $("updated").textContent = "";
    board = { token: token, controllers: [], timers: [], streams: {}, rows: new Map(), alertIds: new Set() };
    board.streams.metrics = { board: board, query: METRICS, state: "connecting", attempt: 0 };
    board.streams.alerts = { board: board, query: ALERTS, state: "connecting", attempt: 0, optional: true };
    showState();
    keep(board.streams.metrics, function (data) { showMetrics(data.liveMetrics); });
    keep(board.streams.alerts, function (data) { showAlert(data.slaAlerts); });
  }

  function stop() {
    if (!board) return;
    board.controllers.forEach(function (c) { c.abort(); });
    board.timers.forEach(clearTimeout);
    board = null;
  }

  function refuse(reason) {
    stop();
    sessionStorage.removeItem(KEY);
    $("teams").textContent = "";
    $("alerts").textContent = "";
    setState("refused", "Token refused");
    showPrompt("Token refused: " + reason);
  }

  var saved = sessionStorage.getItem(KEY);
  if (saved) start(saved);
  else {
    setState("connecting", "Waiting for a token");
    showPrompt("");
  }
})();
`;

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The page, built once: it does not depend on the request or the viewer. */
export function wallboardPage(graphqlPath: string): { html: string; contentSecurityPolicy: string } {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>caseflow wallboard</title>
<style>${style}</style>
</head>
<body data-graphql="${graphqlPath.replace(/[^\w/.-]/g, "")}">
<header>
  <h1>caseflow · service levels</h1>
  <span id="updated"></span>
  <span id="state" role="status" data-state="connecting">Connecting</span>
  <button id="change-token" type="button">Change token</button>
</header>
<main>
  <section aria-labelledby="teams-title">
    <h2 id="teams-title">Teams</h2>
    <table>
      <thead><tr><th>Team</th><th>Open</th><th>At risk</th><th>Breached</th></tr></thead>
      <tbody id="teams"></tbody>
    </table>
    <p id="no-teams" class="note">Waiting for figures…</p>
  </section>
  <section aria-labelledby="alerts-title">
    <h2 id="alerts-title">Latest SLA alerts</h2>
    <p id="alerts-refused" class="note" hidden></p>
    <p id="no-alerts" class="note">No alerts since the board connected.</p>
    <ol id="alerts"></ol>
  </section>
</main>
<div id="prompt" hidden>
  <form id="prompt-form" autocomplete="off">
    <h2>Paste a caseflow token</h2>
    <p class="note">An API token with reports:read (and tickets:read for alerts), or a supervisor's or manager's session token. It is kept in this tab only.</p>
    <input id="token" type="password" aria-label="Token" spellcheck="false" autocomplete="off">
    <p id="reason" role="alert"></p>
    <button type="submit">Show the board</button>
  </form>
</div>
<script>${script}</script>
</body>
</html>
`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join("; ");
  return { html, contentSecurityPolicy };
}

export function useWallboard(graphqlPath: string): Plugin {
  const page = wallboardPage(graphqlPath);
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== WALLBOARD_PATH) return;
      if (request.method !== "GET" && request.method !== "HEAD") {
        return endResponse(
          new Response("Use GET\n", { status: 405, headers: { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" } }),
        );
      }
      endResponse(
        new Response(request.method === "HEAD" ? null : page.html, {
          status: 200,
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": page.contentSecurityPolicy,
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "no-referrer",
            "cache-control": "no-cache",
          },
        }),
      );
    },
  };
}
