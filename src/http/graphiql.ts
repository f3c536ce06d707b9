// GraphiQL from the assets of an installed package (@graphql-yoga/render-graphiql), so
// the page works where outbound traffic is blocked; yoga's own page loads its scripts from
// a CDN and stays blank without internet. The bundle is some 9 MB of JavaScript: it is
// imported on the first page view only, never by a server that does not serve GraphiQL,
// and each page is built once.
//
// Browsers cannot set headers on a WebSocket, and GraphiQL sends its headers editor's
// values only with HTTP requests, so a subscription would reach graphql-ws without
// credentials and be refused. The page therefore puts the Authorization header from the
// headers editor (GraphiQL keeps the editor's text in localStorage, "graphiql:headers")
// into graphql-ws's connection_init payload, where caseflow reads it. The socket is opened
// with the first subscription and keeps the credentials it opened with.
import type { GraphiQLOptions } from "graphql-yoga";

const pages = new Map<string, Promise<string>>();

const carryAuthorizationToWebSockets = `<script>
(() => {
  const authorization = () => {
    try {
      const headers = JSON.parse(localStorage.getItem("graphiql:headers") || "{}");
      const name = Object.keys(headers).find((key) => key.toLowerCase() === "authorization");
      return name ? String(headers[name]) : null;
    } catch {
      return null;
    }
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === "string" && data.includes('"connection_init"')) {
      const message = JSON.parse(data);
      const value = authorization();
      if (message.type === "connection_init" && value) data = JSON.stringify({ ...message, payload: { authorization: value, ...message.payload } });
    }
    return send.call(this, data);
  };
})();
</script>`;

export function renderLocalGraphiQL(options: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options);
  let page = pages.get(key);
  if (!page) {
    page = import("@graphql-yoga/render-graphiql").then(({ renderGraphiQL }) =>
      renderGraphiQL(options).replace("<head>", `<head>${carryAuthorizationToWebSockets}`),
    );
    pages.set(key, page);
  }
  return page;
}
