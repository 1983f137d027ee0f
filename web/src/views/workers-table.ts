import { h } from "../dom";
import { formatAgo, formatTime } from "../format";
import type { DashHealthFragment } from "../generated/graphql";
import { statusBadge } from "./batches-view";

type Workers = DashHealthFragment["workers"];

/** Workers seen (Query.workers, from heartbeats): what runs where, and which have gone quiet. */
export function workersTable(workers: Workers, now: number = Date.now()): HTMLElement {
  if (workers.length === 0)
    return h("p", { class: "muted" }, "No worker has announced itself. Start one with npm run worker (or npm start); it appears here within seconds.");
  const live = workers.filter((w) => !w.stale).length;
  return h(
    "div",
    {},
    h("p", {}, `${live} live${workers.length > live ? `, ${workers.length - live} stale (no heartbeat for three intervals: crashed or cut off)` : ""}`),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "aria-label": "Workers" },
        h("thead", {}, h("tr", {}, ...["Worker", "Kinds", "Host", "PID", "State", "Last seen", "In flight", "Handled", "Started"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          ...workers.map((w) =>
            h(
              "tr",
              { class: "worker-row", dataset: { workerId: w.workerId, stale: String(w.stale) } },
              h("th", { scope: "row", class: "wrap" }, w.workerId),
              h("td", { class: "worker-kinds" }, w.kinds.join(", ")),
              h("td", { class: "wrap" }, w.host),
              h("td", {}, w.pid),
              h("td", {}, statusBadge(w.stale ? "STALE" : "LIVE")),
              h("td", {}, h("time", { datetime: w.lastSeenAt, title: formatTime(w.lastSeenAt) }, formatAgo(w.lastSeenAt, now))),
              h("td", {}, w.inFlight ?? "–"),
              h("td", {}, w.handled ?? "–"),
              h("td", {}, formatTime(w.startedAt)),
            ),
          ),
        ),
      ),
    ),
  );
}
