import { onReconnect, request, subscribe } from "../api";
import { h, progressBar, replaceChildren, setProgress, setText } from "../dom";
import { canRetryDelivery, formatPercent, formatTime, isTerminalBatch, readPagesAfter, statusLabel, type LiveTick } from "../format";
import {
  DashBatchDocument,
  DashBatchEventsDocument,
  DashBatchUpdatedDocument,
  DashCancelBatchDocument,
  DashCancelJobDocument,
  DashExportToSheetsDocument,
  DashJobProgressDocument,
  DashRetryDeliveryDocument,
  DashRetryJobDocument,
  type DashBatchDetailFragment,
  type DashBatchEventsQuery,
} from "../generated/graphql";
import { statusBadge } from "./batches-view";
import { formatName, jobCard } from "./job-card";
import type { View } from "./view";

type Card = ReturnType<typeof jobCard>;

/** One batch (#/batches/<id>): live jobs, outputs, transcripts, deliveries, history, actions. */
export const batchView: View = (root, _nav, params) => {
  const id = params.id!;
  const atLeast = params.at ? Number(params.at) : null;
  const live = new Map<string, LiveTick>();
  const cards = new Map<string, Card>();
  let batch: DashBatchDetailFragment | null = null;
  let disposed = false;

  const title = h("h1", { id: "batch-title", tabindex: -1 }, "Batch");
  const badge = h("span", { "aria-live": "polite", id: "batch-status" });
  const bar = progressBar("Batch progress", 0);
  const pct = h("span", { class: "pct" });
  const summary = h("p", { class: "muted" });
  const facts = h("p", { class: "muted" });
  const announcer = h("p", { class: "form-message", role: "status", "aria-live": "polite" });
  const headerActions = h("div", { class: "actions" });
  const jobs = h("div", { class: "jobs" });
  const deliveries = h("div", {});
  const events = h("div", {});
  const notice = h("p", { class: "muted", role: "status" }, "Loading batch…");

  replaceChildren(
    root,
    h(
      "section",
      { class: "card", "aria-labelledby": "batch-title" },
      h("p", {}, h("a", { href: "#/batches" }, "← All batches")),
      h("div", { class: "section-head" }, title, badge),
      h("div", { class: "bar-wrap" }, bar, pct),
      summary,
      facts,
      headerActions,
      announcer,
      notice,
    ),
    h("section", { "aria-labelledby": "jobs-title" }, h("h2", { id: "jobs-title" }, "Jobs"), jobs),
    h("section", { class: "card", "aria-labelledby": "deliveries-title" }, h("h2", { id: "deliveries-title" }, "Deliveries"), deliveries),
    h("section", { class: "card", "aria-labelledby": "events-title" }, h("h2", { id: "events-title" }, "Event history"), events),
  );
  title.focus();

  /** Runs a mutation from a button: disabled while in flight, the outcome announced. */
  async function act(button: HTMLButtonElement | null, done: string, run: () => Promise<unknown>): Promise<void> {
    if (button) button.disabled = true;
    try {
      await run();
      setText(announcer, done);
      announcer.classList.remove("error-text");
    } catch (e) {
      setText(announcer, `Failed: ${(e as Error).message}`);
      announcer.classList.add("error-text");
    } finally {
      if (button?.isConnected) button.disabled = false;
    }
  }

  const jobActions = {
    cancel: (j: { id: string; fileName: string }, b: HTMLButtonElement) => void act(b, `Cancellation of ${j.fileName} requested.`, () => request(DashCancelJobDocument, { id: j.id })),
    retry: (j: { id: string; fileName: string }, b: HTMLButtonElement) => void act(b, `${j.fileName} queued again.`, () => request(DashRetryJobDocument, { id: j.id })),
  };

  function render(b: DashBatchDetailFragment): void {
    batch = b;
    notice.hidden = true;
    setText(title, b.name);
    document.title = `${b.name} · emberflow`;
    if (badge.firstElementChild?.getAttribute("data-status") !== b.status) replaceChildren(badge, statusBadge(b.status));
    setProgress(bar, b.progress);
    setText(pct, formatPercent(b.progress));
    const c = b.counts;
    setText(summary, `${c.total} jobs: ${c.succeeded} succeeded, ${c.running} running, ${c.queued} queued, ${c.failed} failed, ${c.cancelled} cancelled`);
    const opts = [b.options.transcribe && "transcribe", b.options.syncToDrive && "Drive", b.options.notify && "notify", b.options.exportToSheets && "Sheets"].filter(Boolean).join(", ");
    setText(
      facts,
      `Template ${statusLabel(b.template)} · ${b.formats.map(formatName).join(", ")} · ${statusLabel(b.options.quality)} quality · options: ${opts || "none"} · created ${formatTime(b.createdAt)}${b.completedAt ? ` · ended ${formatTime(b.completedAt)}` : ""}`,
    );
    const terminal = isTerminalBatch(b.status);
    if (headerActions.dataset.terminal !== String(terminal)) {
      headerActions.dataset.terminal = String(terminal);
      replaceChildren(
        headerActions,
        !terminal && h("button", { type: "button", class: "danger", onclick: (e: Event) => void act(e.currentTarget as HTMLButtonElement, "Cancellation of the batch requested.", () => request(DashCancelBatchDocument, { id })) }, "Cancel batch"),
        h("button", { type: "button", onclick: (e: Event) => void act(e.currentTarget as HTMLButtonElement, "Export to Google Sheets requested.", () => request(DashExportToSheetsDocument, { batchId: id })) }, "Export to Sheets"),
      );
    }
    for (const j of b.jobs) {
      let card = cards.get(j.id);
      if (!card) {
        card = jobCard(j, jobActions);
        cards.set(j.id, card);
        jobs.append(card.el);
      }
      card.update(j, live.get(j.id));
    }
    renderDeliveries(b);
    scheduleEvents();
  }

  function renderDeliveries(b: DashBatchDetailFragment): void {
    if (b.deliveries.length === 0) return replaceChildren(deliveries, h("p", { class: "muted" }, "No deliveries (ntfy, Drive, Sheets, webhooks) yet."));
    const fileOf = (jobId: string | null) => b.jobs.find((j) => j.id === jobId)?.fileName ?? "batch";
    replaceChildren(
      deliveries,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, ...["Integration", "For", "Target", "Status", "Attempts", "Last error", ""].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            ...b.deliveries.map((d) =>
              h(
                "tr",
                {},
                h("td", {}, d.integration),
                h("td", {}, fileOf(d.jobId)),
                h("td", { class: "wrap" }, d.target),
                h("td", {}, statusBadge(d.status)),
                h("td", {}, d.attempts),
                h("td", { class: "wrap" }, d.lastError ?? ""),
                h(
                  "td",
                  {},
                  canRetryDelivery(d.status) &&
                    h("button", { type: "button", "aria-label": `Retry ${d.integration} delivery for ${fileOf(d.jobId)}`, onclick: (e: Event) => void act(e.currentTarget as HTMLButtonElement, `${d.integration} delivery retried.`, () => request(DashRetryDeliveryDocument, { id: d.id })) }, "Retry"),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /**
   * The audit trail, fetched incrementally a moment after each change: only the events after the
   * last one seen, page by page until a short page (a large batch is read in several requests, not
   * capped at one page), and appended to the list rather than redrawn.
   */
  const EVENTS_PAGE = 500;
  let lastSeq: number | null = null;
  let eventCount = 0;
  const eventsSummary = h("summary", {}, "0 events");
  const eventsList = h("ol", { class: "events" });
  let eventsShown = false;
  let eventsTimer: ReturnType<typeof setTimeout> | null = null;
  let eventsBusy = false;
  let eventsAgain = false;
  function scheduleEvents(): void {
    eventsTimer ??= setTimeout(() => {
      eventsTimer = null;
      void loadEvents();
    }, 300);
  }
  async function loadEvents(): Promise<void> {
    if (eventsBusy) {
      eventsAgain = true; // a change arrived during the fetch: read again once it ends
      return;
    }
    eventsBusy = true;
    try {
      await readPagesAfter(lastSeq, EVENTS_PAGE, (after, first) => request(DashBatchEventsDocument, { batchId: id, after, first }).then((d) => d.events), appendEvents);
    } catch {
      /* the next change or reconnect fetches again, from the last event seen */
    } finally {
      eventsBusy = false;
      if (eventsAgain && !disposed) {
        eventsAgain = false;
        scheduleEvents();
      }
    }
  }

  function appendEvents(page: readonly DashBatchEventsQuery["events"][number][]): void {
    if (!eventsShown) {
      eventsShown = true;
      replaceChildren(events, h("details", {}, eventsSummary, eventsList));
    }
    if (page.length === 0) return;
    lastSeq = page.at(-1)!.seq;
    eventCount += page.length;
    eventsList.append(...page.map((e) => h("li", {}, h("code", {}, `#${e.seq}`), " ", h("time", { datetime: e.occurredAt }, formatTime(e.occurredAt)), " ", h("strong", {}, e.type), ` ${e.aggregateType} ${e.aggregateId.slice(-8)} by ${e.actor}`)));
    setText(eventsSummary, `${eventCount} events`);
  }

  const fail = (e: Error) => {
    notice.hidden = false;
    setText(notice, `Could not load the batch: ${e.message}`);
  };
  const load = () =>
    request(DashBatchDocument, { id, atLeast }).then((d) => {
      if (d.batch) render(d.batch);
      else if (!batch) setText(notice, "No batch with this id (yet).");
    }, fail);

  void load();
  const unsubBatch = subscribe(DashBatchUpdatedDocument, { id, atLeast }, (d) => d.batchUpdated && render(d.batchUpdated), fail);
  const unsubProgress = subscribe(DashJobProgressDocument, { batchId: id }, (d) => {
    const t = d.jobProgress;
    live.set(t.jobId, t);
    const job = batch?.jobs.find((j) => j.id === t.jobId);
    if (job) cards.get(t.jobId)?.update(job, t);
  });
  const offReconnect = onReconnect(() => void load());
  return () => {
    disposed = true;
    unsubBatch();
    unsubProgress();
    offReconnect();
    if (eventsTimer) clearTimeout(eventsTimer);
  };
};
