// The container's health check: 0 while /ready answers 200 (the database answers), 1
// otherwise. Node's own fetch, because the slim image has no curl.
const port = process.env.PORT || "4000";
try {
  const response = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
