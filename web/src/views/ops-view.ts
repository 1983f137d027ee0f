import { authHeader, onReconnect, request } from "../api";
import { h, replaceChildren, setText } from "../dom";
import { formatTime, statusLabel } from "../format";
import { DashOperationsDocument, DashRetryDeadLetterDocument, type DashOperationsQuery } from "../generated/graphql";
import { statusBadge } from "./batches-view";
import type { View } from "./view";

const REFRESH_MS = 5000;

interface Readiness {
  status: string;
  nats: string;
  projectorLag: number | null;
  position: number | null;
}

/** Operations: queue statistics, projector lag (GET /readyz), dead letters with retry. */
export const opsView: View = (root) => {
  const stats = h("div", { class: "stats" });
  const lag = h("p", { class: "muted" });
  const dead = h("div", {});
  const status = h("p", { class: "muted", role: "status" });
  const refresh = h("button", { type: "button", onclick: () => void load() }, "Refresh");
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
    h("section", { class: "card", "aria-labelledby": "dead-title" }, h("h2", { id: "dead-title" }, "Dead letters"), dead),
  );

  const countTable = (caption: string, counts: Record<string, number>) =>
    h(
      "table",
      { class: "counts" },
      h("caption", {}, caption),
      h("tbody", {}, ...Object.entries(counts).filter(([k]) => k !== "__typename").map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, statusLabel(k)), h("td", {}, v)))),
    );

  function render(d: DashOperationsQuery): void {
    replaceChildren(stats, countTable("Batches", d.queueStats.batches), countTable("Jobs", d.queueStats.jobs));
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
      const [d, ready] = await Promise.all([request(DashOperationsDocument), readiness()]);
      render(d);
      setText(
        lag,
        `Read model at stream position ${d.queueStats.position}` +
          (ready ? ` · projector lag ${ready.projectorLag ?? "unknown"} events · NATS ${ready.nats} · node ${ready.status}` : ""),
      );
      setText(status, `Updated ${formatTime(new Date().toISOString())}`);
    } catch (e) {
      setText(status, `Could not load operations data: ${(e as Error).message}`);
    }
  }

  void load();
  // queue statistics have no subscription: this view alone refreshes on a timer
  const timer = setInterval(() => void load(), REFRESH_MS);
  const offReconnect = onReconnect(() => void load());
  return () => {
    clearInterval(timer);
    offReconnect();
  };
};

async function readiness(): Promise<Readiness | null> {
  try {
    const res = await fetch("/readyz", { headers: authHeader() });
    return (await res.json()) as Readiness;
  } catch {
    return null;
  }
}
