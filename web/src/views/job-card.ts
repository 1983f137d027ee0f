import { h, progressBar, replaceChildren, setProgress, setText } from "../dom";
import { canCancelJob, canRetryJob, formatBytes, formatDuration, formatPercent, jobBarPercent, liveDetail, ratchetPercent, type LiveTick } from "../format";
import type { DashJobFragment } from "../generated/graphql";
import { statusBadge } from "./batches-view";

export interface JobActions {
  cancel(job: DashJobFragment, button: HTMLButtonElement): void;
  retry(job: DashJobFragment, button: HTMLButtonElement): void;
}

export const formatName = (id: string) => id.toLowerCase().replace(/_/g, " ");

/** One job: live bar and ETA, outputs with posters and links, transcript, actions. Updated in place. */
export function jobCard(job: DashJobFragment, actions: JobActions) {
  const headingId = `job-${job.id}-name`;
  const badge = h("span", { "aria-live": "polite" });
  const bar = progressBar(`Progress of ${job.fileName}`, job.progress);
  const pct = h("span", { class: "pct" });
  const detail = h("p", { class: "live-detail muted" });
  const meta = h("p", { class: "muted" });
  const error = h("div", {});
  const buttons = h("div", { class: "actions" });
  const outputs = h("div", {});
  const transcript = h("div", {});
  const el = h(
    "article",
    { class: "job card", "aria-labelledby": headingId, dataset: { jobId: job.id } },
    h("div", { class: "section-head" }, h("h3", { id: headingId }, job.fileName), badge),
    h("div", { class: "bar-wrap" }, bar, pct),
    detail,
    meta,
    error,
    buttons,
    outputs,
    transcript,
  );
  let current = job;
  let shown: number | null = null;
  const sig: Record<string, string> = {};
  const changed = (key: string, value: unknown) => {
    const s = JSON.stringify(value);
    if (sig[key] === s) return false;
    sig[key] = s;
    return true;
  };

  function update(j: DashJobFragment, live: LiveTick | undefined): void {
    current = j;
    if (changed("status", j.status)) replaceChildren(badge, statusBadge(j.status));
    const p = (shown = ratchetPercent(shown, j.status, jobBarPercent(j, live)));
    setProgress(bar, p);
    setText(pct, formatPercent(p));
    setText(detail, liveDetail(j, live, formatName));
    setText(meta, j.attempts > 0 ? `Failed attempts: ${j.attempts}` : "");
    if (changed("error", j.error))
      replaceChildren(error, j.error && h("p", { class: "error-text", role: "alert" }, `${j.error.stage === "transcribe" ? "Transcription" : "Render"} failed (${j.error.code}): ${j.error.message}`));
    if (changed("actions", [canCancelJob(j.status), canRetryJob(j.status)]))
      replaceChildren(
        buttons,
        canCancelJob(j.status) && h("button", { type: "button", "aria-label": `Cancel job ${j.fileName}`, onclick: (e: Event) => actions.cancel(current, e.currentTarget as HTMLButtonElement) }, "Cancel job"),
        canRetryJob(j.status) && h("button", { type: "button", "aria-label": `Retry job ${j.fileName}`, onclick: (e: Event) => actions.retry(current, e.currentTarget as HTMLButtonElement) }, "Retry job"),
      );
    if (changed("outputs", j.outputs)) replaceChildren(outputs, outputsList(j));
    if (changed("transcript", j.transcript)) replaceChildren(transcript, transcriptBlock(j));
  }

  update(job, undefined);
  return { el, update };
}

function outputsList(j: DashJobFragment): HTMLElement | null {
  if (j.outputs.length === 0) return null;
  return h(
    "ul",
    { class: "outputs", "aria-label": `Videos of ${j.fileName}` },
    ...j.outputs.map((o) =>
      h(
        "li",
        { class: "output" },
        o.posterUrl
          ? h("img", { src: o.posterUrl, alt: `Poster frame of ${j.fileName}, ${formatName(o.format)}`, loading: "lazy", width: 160, height: Math.round((160 * o.height) / Math.max(1, o.width)) })
          : null,
        h(
          "div",
          {},
          h("strong", {}, formatName(o.format)),
          h("p", { class: "muted" }, `${o.width}×${o.height} · ${o.codec} · ${formatDuration(o.durationSeconds)} · ${formatBytes(o.bytes)}`),
          h(
            "p",
            { class: "links" },
            h("a", { href: o.url, download: o.fileName }, "Download", h("span", { class: "sr-only" }, ` ${o.fileName}`)),
            o.driveUrl ? h("a", { href: o.driveUrl, target: "_blank", rel: "noopener noreferrer" }, "Open in Drive", h("span", { class: "sr-only" }, ` ${o.fileName}`)) : null,
          ),
        ),
      ),
    ),
  );
}

function transcriptBlock(j: DashJobFragment): HTMLElement | null {
  const t = j.transcript;
  if (!t) return null;
  return h(
    "details",
    { class: "transcript" },
    h("summary", {}, `Transcript and description (${t.language}, ${formatDuration(t.durationSeconds)})`),
    h("h4", {}, "Description"),
    h("p", { class: "description" }, t.description || "–"),
    h("h4", {}, "Transcript"),
    h("p", { class: "transcript-text" }, t.text || "(no speech found)"),
  );
}
