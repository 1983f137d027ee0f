import { onReconnect, request, subscribe } from "../api";
import { h, progressBar, replaceChildren, setProgress, setText } from "../dom";
import { BATCH_STATUSES, belongsInLoadedList, formatPercent, formatTime, isTerminalBatch, newestFirstIndex, statusLabel, statusTone } from "../format";
import { DashBatchesChangedDocument, DashBatchesDocument, DashBatchSummaryUpdatedDocument, type BatchStatus, type DashBatchSummaryFragment } from "../generated/graphql";
import type { View } from "./view";

const PAGE = 20;

export function statusBadge(status: string): HTMLSpanElement {
  return h("span", { class: `badge ${statusTone(status)}`, "data-status": status }, statusLabel(status));
}

/**
 * Batch history from the API (survives reloads), filterable by status. Rows shown update through
 * batchUpdated; batches created or changed elsewhere (CLI, another tab, n8n) come in through one
 * batchesChanged(status) subscription, opened before each load so nothing created meanwhile is lost.
 */
export const batchesView: View = (root) => {
  const rows = new Map<string, { el: HTMLLIElement; createdAt: string; update: (b: DashBatchSummaryFragment) => void; unsubscribe: (() => void) | null }>();
  const list = h("ul", { class: "batch-list", "aria-label": "Batches" });
  const status = h("p", { class: "muted", role: "status" });
  const more = h("button", { type: "button", hidden: true, onclick: () => void load(true) }, "Load more");
  const filter = h(
    "select",
    { id: "status-filter", onchange: () => void load(false) },
    h("option", { value: "" }, "All statuses"),
    ...BATCH_STATUSES.map((s) => h("option", { value: s }, statusLabel(s))),
  );
  let after: string | null = null;
  let hasMore = false;
  let total = 0;
  let loadSeq = 0;
  /** Pushes that came while a load was in flight: replayed after it, as the load may predate them. */
  let pending: DashBatchSummaryFragment[] | null = null;
  let stopChanges: (() => void) | null = null;

  replaceChildren(
    root,
    h(
      "section",
      { class: "card", "aria-labelledby": "batches-title" },
      h("div", { class: "section-head" }, h("h1", { id: "batches-title" }, "Batches"), h("div", { class: "field inline" }, h("label", { for: "status-filter" }, "Status"), filter)),
      status,
      list,
      more,
    ),
  );

  function row(b: DashBatchSummaryFragment) {
    const bar = progressBar(`Progress of ${b.name}`, b.progress);
    const badge = h("span", {});
    const counts = h("span", { class: "muted" });
    const pct = h("span", { class: "pct" });
    const el = h(
      "li",
      { class: "batch-row", dataset: { batchId: b.id } },
      h("a", { href: `#/batches/${encodeURIComponent(b.id)}`, class: "batch-name" }, b.name),
      badge,
      h("span", { class: "bar-wrap" }, bar, pct),
      counts,
      h("time", { datetime: b.createdAt, class: "muted" }, formatTime(b.createdAt)),
    );
    let version = b.version;
    const update = (n: DashBatchSummaryFragment) => {
      // pushes from two subscriptions and a load may cross: never go back to an older state
      if (n.version < version) return;
      version = n.version;
      if (badge.firstElementChild?.getAttribute("data-status") !== n.status) replaceChildren(badge, statusBadge(n.status));
      setProgress(bar, n.progress);
      setText(pct, formatPercent(n.progress));
      const c = n.counts;
      setText(counts, `${c.succeeded}/${c.total} done${c.running ? `, ${c.running} running` : ""}${c.failed ? `, ${c.failed} failed` : ""}${c.cancelled ? `, ${c.cancelled} cancelled` : ""}`);
    };
    update(b);
    return { el, update };
  }

  function show(b: DashBatchSummaryFragment, at?: number): void {
    const existing = rows.get(b.id);
    if (existing) return existing.update(b);
    const r = { ...row(b), createdAt: b.createdAt, unsubscribe: null as (() => void) | null };
    rows.set(b.id, r);
    list.insertBefore(r.el, at === undefined ? null : (list.children[at] ?? null));
    if (!isTerminalBatch(b.status))
      r.unsubscribe = subscribe(DashBatchSummaryUpdatedDocument, { id: b.id }, (d) => {
        if (!d.batchUpdated) return;
        if (filter.value && d.batchUpdated.status !== filter.value) setText(status, `${d.batchUpdated.name} is now ${statusLabel(d.batchUpdated.status)}.`);
        r.update(d.batchUpdated);
      });
  }

  /** A batch from batchesChanged: a row we show updates; a new one is put in its place when it falls within the loaded pages. */
  function changed(b: DashBatchSummaryFragment): void {
    if (pending) return void pending.push(b);
    if (rows.has(b.id)) return rows.get(b.id)!.update(b);
    const shown = Array.from(list.children, (el) => rows.get((el as HTMLElement).dataset.batchId ?? "")?.createdAt ?? "");
    if (!belongsInLoadedList(b.createdAt, shown.at(-1) ?? null, hasMore)) return;
    show(b, newestFirstIndex(shown, b.createdAt));
    total++;
    setText(status, `New batch ${b.name}. ${rows.size} of ${total} batches`);
  }

  function listen(): void {
    stopChanges?.();
    stopChanges = subscribe(DashBatchesChangedDocument, { status: (filter.value || null) as BatchStatus | null }, (d) => changed(d.batchesChanged));
  }

  function clear(): void {
    for (const r of rows.values()) r.unsubscribe?.();
    rows.clear();
    list.replaceChildren();
  }

  async function load(append: boolean): Promise<void> {
    const seq = ++loadSeq;
    if (!append) {
      after = null;
      listen(); // before the query: a batch created while it runs is pushed, then replayed below
    }
    pending ??= [];
    setText(status, "Loading batches…");
    try {
      const d = await request(DashBatchesDocument, { first: PAGE, after, status: (filter.value || null) as BatchStatus | null });
      if (seq !== loadSeq) return;
      if (!append) clear();
      for (const e of d.batches.edges) show(e.node);
      after = d.batches.pageInfo.endCursor;
      hasMore = d.batches.pageInfo.hasNextPage;
      total = d.batches.totalCount;
      more.hidden = !hasMore;
      setText(status, total === 0 ? "No batches yet: start one under New batch." : `${rows.size} of ${total} batches`);
    } catch (e) {
      if (seq === loadSeq) setText(status, `Could not load batches: ${(e as Error).message}`);
    } finally {
      if (seq === loadSeq) {
        const replay = pending ?? [];
        pending = null;
        for (const b of replay) changed(b);
      }
    }
  }

  void load(false);
  const offReconnect = onReconnect(() => void load(false));
  return () => {
    offReconnect();
    stopChanges?.();
    clear();
  };
};
