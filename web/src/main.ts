import { connect, getToken, onConnectionState, setToken, type ConnectionState } from "./api";
import { h, replaceChildren, setText } from "./dom";
import { parseRoute, routeParams } from "./format";
import { batchView } from "./views/batch-view";
import { batchesView } from "./views/batches-view";
import { opsView } from "./views/ops-view";
import { uploadView } from "./views/upload-view";
import type { View } from "./views/view";

/** The dashboard shell: skip link, navigation, connection state, API token, and the hash router. */
const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Connection lost, reconnecting…",
  unauthorized: "The server needs a valid API token",
};

const app = document.getElementById("app")!;
const main = h("main", { id: "main", tabindex: -1 });
const conn = h("span", { class: "conn", role: "status", "aria-live": "polite" });
const links = [
  { href: "#/new", label: "New batch", route: "new" },
  { href: "#/batches", label: "Batches", route: "batches" },
  { href: "#/ops", label: "Operations", route: "ops" },
];
const nav = h("nav", { "aria-label": "Main" }, h("ul", {}, ...links.map((l) => h("li", {}, h("a", { href: l.href, dataset: { route: l.route } }, l.label)))));

const tokenInput = h("input", { id: "api-token", type: "password", autocomplete: "off", value: getToken() });
const tokenForm = h(
  "details",
  { class: "token" },
  h("summary", {}, "API token"),
  h(
    "form",
    {
      onsubmit: (e: Event) => {
        e.preventDefault();
        setToken(tokenInput.value.trim());
        location.reload(); // a fresh socket authenticates with the new token
      },
    },
    h("label", { for: "api-token" }, "Bearer token (kept in this browser)"),
    tokenInput,
    h("button", { type: "submit" }, "Save token"),
  ),
);

replaceChildren(
  app,
  h("a", { href: "#main", class: "skip", onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, "Skip to content"),
  h("header", { class: "top" }, h("a", { href: "#/batches", class: "brand" }, "emberflow"), nav, conn, tokenForm),
  main,
);

onConnectionState((s) => {
  setText(conn, STATE_TEXT[s]);
  conn.dataset.state = s;
  if (s === "unauthorized") tokenForm.open = true;
});

const VIEWS: Record<string, View> = { new: uploadView, batches: batchesView, batch: batchView, ops: opsView };
let cleanup: (() => void) | null = null;

function route(): void {
  cleanup?.();
  const r = parseRoute(location.hash);
  const params: Record<string, string> = { ...routeParams(location.hash), ...(r.name === "batch" ? { id: r.id } : {}) };
  for (const a of Array.from(nav.querySelectorAll("a"))) {
    const current = a.dataset.route === r.name || (r.name === "batch" && a.dataset.route === "batches");
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${links.find((l) => l.route === r.name)?.label ?? "Batch"} · emberflow`;
  main.replaceChildren();
  cleanup = VIEWS[r.name]!(main, (hash) => (location.hash = hash), params);
}

window.addEventListener("hashchange", route);
connect();
route();
