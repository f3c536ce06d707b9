// Reads a /metrics answer with the official Prometheus Python client's text-format parser
// (Debian's python3-prometheus-client), not with our own code, so a format mistake fails.
import { spawnSync } from "node:child_process";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  /** A number, or "nan" / "inf" / "-inf". */
  value: number | string;
}

export interface Family {
  name: string;
  type: string;
  samples: Sample[];
}

const PARSE = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
# JSON has no NaN or infinities (a gauge may read NaN before its first measurement).
number = lambda value: value if math.isfinite(value) else str(value)
families = [
    {"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": number(s.value)} for s in f.samples]}
    for f in text_string_to_metric_families(sys.stdin.read())
]
print(json.dumps(families))
`;

export function parsePrometheus(text: string): Family[] {
  const run = spawnSync("/usr/bin/python3", ["-c", PARSE], { input: text, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the Prometheus parser refused the text: ${run.stderr}`);
  return JSON.parse(run.stdout) as Family[];
}

/** The value of the sample with this name whose labels include `labels`; 0 when there is none. */
export function sampleValue(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const matching = families
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return matching.reduce((sum, sample) => sum + Number(sample.value), 0);
}
