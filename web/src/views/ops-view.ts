import { onReconnect, request, subscribe } from "../api";
import { h, replaceChildren, setText } from "../dom";
import { formatTime, statusLabel } from "../format";
import {
  DashHealthDocument,
  DashOperationsDocument,
  DashQueueStatsUpdatedDocument,
  DashRetryDeadLetterDocument,
  type DashHealthFragment,
  type DashOperationsQuery,
  type DashQueueStatsFragment,
} from "../generated/graphql";
import { statusBadge } from "./batches-view";
import type { View } from "./view";
import { workersTable } from "./workers-table";

/**
 * Workers and projector lag are re-read on this timer: heartbeats are themselves periodic and
 * "stale" is a matter of time passing, so there is no event a subscription could push.
 */
const HEALTH_REFRESH_MS = 10_000;

/**
 * Operations: queue statistics (live through queueStatsUpdated, which the server pushes after
 * projected changes at most once a second), projector lag and workers seen (a modest refresh),
 * dead letters with retry (re-read when the open count changes).
 */
export const opsView: View = (root) => {
  const stats = h("div", { class: "stats" });
  const lag = h("p", { class: "muted" });
  const workers = h("div", {});
  const dead = h("div", {});
  const status = h("p", { class: "muted", role: "status" });
  const refresh = h("button", { type: "button", onclick: () => void load() }, "Refresh");
  let openDeadLetters: number | null = null;
  replaceChildren(
    root,
    h(
      "section",
      { class: "card", "aria-labelledby": "ops-title" },
      h("div", { class: "section-head" }, h("h1", { id: "ops-title" }, "Operations"), refresh),
      status,
      lag,
      stats,
    ),
    h("section", { class: "card", "aria-labelledby": "workers-title" }, h("h2", { id: "workers-title" }, "Workers seen"), workers),
    h("section", { class: "card", "aria-labelledby": "dead-title" }, h("h2", { id: "dead-title" }, "Dead letters"), dead),
  );

  const countTable = (caption: string, counts: Record<string, number>) =>
    h(
      "table",
      { class: "counts" },
      h("caption", {}, caption),
      h("tbody", {}, ...Object.entries(counts).filter(([k]) => k !== "__typename").map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, statusLabel(k)), h("td", {}, v)))),
    );

  function renderStats(q: DashQueueStatsFragment): void {
    replaceChildren(stats, countTable("Batches", q.batches), countTable("Jobs", q.jobs));
    renderLag(q.projector);
  }

  function renderLag(p: DashHealthFragment["projector"]): void {
    setText(lag, `Read model at stream position ${p.position} · projector lag ${p.lag} events (log at position ${p.logPosition})`);
  }

  function renderHealth(d: DashHealthFragment): void {
    renderLag(d.projector);
    replaceChildren(workers, workersTable(d.workers));
  }

  function render(d: DashOperationsQuery): void {
    openDeadLetters = d.queueStats.openDeadLetters;
    renderStats(d.queueStats);
    renderHealth(d);
    const letters = d.deadLetters;
    if (letters.length === 0) return replaceChildren(dead, h("p", { class: "muted" }, "Nothing has given up. Dead letters appear here when a consumer exhausts its attempts."));
    replaceChildren(
      dead,
      h("p", {}, `${d.queueStats.openDeadLetters} open`),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, ...["Consumer", "Event", "Aggregate", "Error", "Deliveries", "Status", "Updated", ""].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            ...letters.map((l) =>
              h(
                "tr",
                {},
                h("td", {}, l.consumer),
                h("td", {}, l.eventType),
                h("td", { class: "wrap" }, h("code", {}, l.aggregateId)),
                h("td", { class: "wrap" }, l.error),
                h("td", {}, l.deliveries),
                h("td", {}, statusBadge(l.status)),
                h("td", {}, formatTime(l.updatedAt)),
                h(
                  "td",
                  {},
                  l.status === "OPEN" &&
                    h("button", { type: "button", "aria-label": `Retry dead letter ${l.eventType} for ${l.consumer}`, onclick: (e: Event) => void retry(l.id, e.currentTarget as HTMLButtonElement) }, "Retry"),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function retry(id: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await request(DashRetryDeadLetterDocument, { id });
      setText(status, "Retry requested.");
      await load();
    } catch (e) {
      setText(status, `Retry failed: ${(e as Error).message}`);
      button.disabled = false;
    }
  }

  async function load(): Promise<void> {
    try {
      render(await request(DashOperationsDocument));
      setText(status, `Updated ${formatTime(new Date().toISOString())}`);
    } catch (e) {
      setText(status, `Could not load operations data: ${(e as Error).message}`);
    }
  }

  async function loadHealth(): Promise<void> {
    try {
      renderHealth(await request(DashHealthDocument));
    } catch (e) {
      setText(status, `Could not load workers: ${(e as Error).message}`);
    }
  }

  void load();
  // graphql-ws re-subscribes this after a drop; onReconnect below refetches what was missed meanwhile
  const stopStats = subscribe(DashQueueStatsUpdatedDocument, {}, (d) => {
    const q = d.queueStatsUpdated;
    renderStats(q);
    if (openDeadLetters !== null && q.openDeadLetters !== openDeadLetters) void load(); // a dead letter came or went
  });
  const timer = setInterval(() => void loadHealth(), HEALTH_REFRESH_MS);
  const offReconnect = onReconnect(() => void load());
  return () => {
    stopStats();
    clearInterval(timer);
    offReconnect();
  };
};
