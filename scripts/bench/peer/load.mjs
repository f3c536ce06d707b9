// One round of load for `npm run bench:compare`, in its own process: autocannon against
// one server, then a JSON line with the figures on stdout.
// Argument: a JSON object {url, connections, seconds, headers, body?, moves?, expect}.
//  - body: the same request body every time (the case list);
//  - moves: {cases: [id…], steps: [{…}…], template}: each connection moves cases of its own
//    (an equal share of `cases`) through the steps, one after the other (transitions);
//    `template` is the request body in which "$STEP" becomes the step with the case's id.
//  - expect: a substring every answer must contain; answers without it are failures.
import autocannon from "autocannon";

const options = JSON.parse(process.argv[2]);
let failures = 0;
const failed = [];
const check = (status, body) => {
  if (status !== 200 || !String(body).includes(options.expect)) {
    failures++;
    if (failed.length < 3) failed.push(`${status} ${String(body).slice(0, 300)}`);
  }
};

/** One connection's moves: its own request objects (autocannon shares them between the connections of one instance). */
function movesOf(cases) {
  // autocannon goes through `requests` in order and clears the connection's context when it
  // starts over: the first step takes a free case, the last one's answer hands it back.
  const free = [...cases];
  return options.moves.steps.map((step, index) => ({
    method: "POST",
    setupRequest(req, context) {
      if (index === 0) context.caseId = free.shift();
      return { ...req, body: options.moves.template.replace('"$STEP"', JSON.stringify({ ...step, id: context.caseId })) };
    },
    onResponse(status, body, context) {
      check(status, body);
      if (index === options.moves.steps.length - 1) free.push(context.caseId);
    },
  }));
}

// Measured in a window: after `lead` seconds (every connection busy, steady state) the process
// prints "start", after `seconds` more "stop" and then stops the load; the caller reads the
// servers' CPU time at both lines, and only answers that arrive in between are counted, so
// requests in flight at either end cost neither side (throughput = answers / window).
const lead = options.lead ?? 3;
const common = {
  url: options.url,
  duration: lead + options.seconds + 30, // stopped by the window's end
  headers: { "content-type": "application/json", ...options.headers },
};
const instances = options.moves
  ? // Moves: one autocannon instance of one connection per share of the cases, all in this process.
    Array.from({ length: options.connections }, (_, c) => {
      const share = Math.floor(options.moves.cases.length / options.connections);
      return autocannon({ ...common, connections: 1, requests: movesOf(options.moves.cases.slice(c * share, (c + 1) * share)) });
    })
  : [autocannon({ ...common, connections: options.connections, requests: [{ method: "POST", body: options.body, onResponse: check }] })];
let window = null;
for (const instance of instances)
  instance.on("response", (_client, _status, _bytes, responseTime) => {
    if (window && !window.end) window.latencies.push(responseTime);
  });
setTimeout(() => {
  window = { start: performance.now(), latencies: [] };
  process.stdout.write("start\n");
}, lead * 1000);
setTimeout(
  () => {
    window.end = performance.now();
    process.stdout.write("stop\n");
    for (const instance of instances) instance.stop();
  },
  (lead + options.seconds) * 1000,
);
const results = await Promise.all(instances);
const latencies = window.latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
const seconds = (window.end - window.start) / 1000;
console.log(
  JSON.stringify({
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: Math.round(at(0.5)),
    p99: Math.round(at(0.99)),
    non2xx: total("non2xx"),
    errors: total("errors"),
    timeouts: total("timeouts"),
    failures,
    failed,
  }),
);
