import { onReconnect, request, subscribe } from "../api";
import { h, progressBar, replaceChildren, setProgress, setText } from "../dom";
import { BATCH_STATUSES, formatPercent, formatTime, isTerminalBatch, statusLabel, statusTone } from "../format";
import { DashBatchesDocument, DashBatchSummaryUpdatedDocument, type BatchStatus, type DashBatchSummaryFragment } from "../generated/graphql";
import type { View } from "./view";

const PAGE = 20;

export function statusBadge(status: string): HTMLSpanElement {
  return h("span", { class: `badge ${statusTone(status)}`, "data-status": status }, statusLabel(status));
}

/** Batch history from the API (survives reloads), filterable by status, live through batchUpdated. */
export const batchesView: View = (root) => {
  const rows = new Map<string, { el: HTMLLIElement; update: (b: DashBatchSummaryFragment) => void; unsubscribe: (() => void) | null }>();
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
  let loadSeq = 0;

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
    const update = (n: DashBatchSummaryFragment) => {
      if (badge.firstElementChild?.getAttribute("data-status") !== n.status) replaceChildren(badge, statusBadge(n.status));
      setProgress(bar, n.progress);
      setText(pct, formatPercent(n.progress));
      const c = n.counts;
      setText(counts, `${c.succeeded}/${c.total} done${c.running ? `, ${c.running} running` : ""}${c.failed ? `, ${c.failed} failed` : ""}${c.cancelled ? `, ${c.cancelled} cancelled` : ""}`);
    };
    update(b);
    return { el, update };
  }

  function show(b: DashBatchSummaryFragment): void {
    const existing = rows.get(b.id);
    if (existing) return existing.update(b);
    const r = { ...row(b), unsubscribe: null as (() => void) | null };
    rows.set(b.id, r);
    list.append(r.el);
    if (!isTerminalBatch(b.status))
      r.unsubscribe = subscribe(DashBatchSummaryUpdatedDocument, { id: b.id }, (d) => {
        if (!d.batchUpdated) return;
        if (filter.value && d.batchUpdated.status !== filter.value) setText(status, `${d.batchUpdated.name} is now ${statusLabel(d.batchUpdated.status)}.`);
        r.update(d.batchUpdated);
      });
  }

  function clear(): void {
    for (const r of rows.values()) r.unsubscribe?.();
    rows.clear();
    list.replaceChildren();
  }

  async function load(append: boolean): Promise<void> {
    const seq = ++loadSeq;
    if (!append) after = null;
    setText(status, "Loading batches…");
    try {
      const d = await request(DashBatchesDocument, { first: PAGE, after, status: (filter.value || null) as BatchStatus | null });
      if (seq !== loadSeq) return;
      if (!append) clear();
      for (const e of d.batches.edges) show(e.node);
      after = d.batches.pageInfo.endCursor;
      more.hidden = !d.batches.pageInfo.hasNextPage;
      setText(status, d.batches.totalCount === 0 ? "No batches yet: start one under New batch." : `${rows.size} of ${d.batches.totalCount} batches`);
    } catch (e) {
      if (seq === loadSeq) setText(status, `Could not load batches: ${(e as Error).message}`);
    }
  }

  void load(false);
  const offReconnect = onReconnect(() => void load(false));
  return () => {
    offReconnect();
    clear();
  };
};
