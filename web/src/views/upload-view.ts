import { request } from "../api";
import { h, progressBar, replaceChildren, setProgress, setText } from "../dom";
import { formatBytes, formatDuration, renderCount } from "../format";
import { DashCatalogDocument, DashCreateBatchDocument, type DashCatalogQuery, type OutputFormat, type Quality, type Template } from "../generated/graphql";
import { uploadFile, type UploadHandle, type UploadedFile } from "../upload";
import type { View } from "./view";

interface Entry {
  readonly key: number;
  readonly file: File;
  handle: UploadHandle | null;
  uploaded: UploadedFile | null;
  error: string | null;
  readonly row: HTMLLIElement;
}

const ACCEPT = "audio/*,.mp3,.wav,.ogg,.flac,.m4a";
let keys = 0;
const newKey = () => (typeof globalThis.crypto?.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** New batch: drop or pick files (each uploads at once with its own bar), choose template, formats, options. */
export const uploadView: View = (root, nav) => {
  const entries: Entry[] = [];
  let catalog: DashCatalogQuery | null = null;
  let idempotencyKey = newKey();
  const list = h("ul", { class: "file-list", "aria-label": "Files in this batch" });
  const message = h("div", { class: "form-message", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", disabled: true }, "Start batch");
  const templates = h("div", { class: "choices" }, h("p", {}, "Loading templates…"));
  const formats = h("div", { class: "choices grid" }, h("p", {}, "Loading formats…"));
  const nameInput = h("input", { id: "batch-name", name: "name", type: "text", required: true, value: `Batch ${new Date().toLocaleString()}`, autocomplete: "off" });
  const quality = h("select", { id: "batch-quality", name: "quality" }, ...(["BALANCED", "DRAFT", "HIGH"] as const).map((q) => h("option", { value: q }, q.charAt(0) + q.slice(1).toLowerCase())));
  const option = (name: string, label: string, checked: boolean, hint: string) =>
    h("label", { class: "check" }, h("input", { type: "checkbox", name, checked }), h("span", {}, label, h("small", {}, hint)));
  const fileInput = h("input", { id: "file-input", type: "file", multiple: true, accept: ACCEPT, class: "file-input", onchange: () => { addFiles(Array.from(fileInput.files ?? [])); fileInput.value = ""; } });
  const drop = h(
    "div",
    { class: "dropzone" },
    h("p", {}, "Drag audio files here, or"),
    h("label", { for: "file-input", class: "button" }, "Choose audio files"),
    fileInput,
    h("p", { class: "hint" }, "MP3, WAV, OGG, FLAC or M4A. Each file uploads as soon as it is added."),
  );
  for (const type of ["dragenter", "dragover"]) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); addFiles(Array.from((e as DragEvent).dataTransfer?.files ?? [])); });

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "new-batch-title", onsubmit: (e: Event) => { e.preventDefault(); void create(); } },
    h("h1", { id: "new-batch-title" }, "New batch"),
    h("fieldset", {}, h("legend", {}, "Audio files"), drop, list),
    h("div", { class: "field" }, h("label", { for: "batch-name" }, "Batch name"), nameInput),
    h("fieldset", {}, h("legend", {}, "Visual template"), templates),
    h("fieldset", {}, h("legend", {}, "Output formats"), formats),
    h(
      "fieldset",
      {},
      h("legend", {}, "Options"),
      option("transcribe", "Transcribe", true, "Transcript and description for each file"),
      option("syncToDrive", "Sync to Google Drive", false, "Upload finished videos to Drive"),
      option("notify", "Notify", true, "Push notification when the batch ends"),
      option("exportToSheets", "Log to Google Sheets", false, "A row per render in the sheet"),
      h("div", { class: "field" }, h("label", { for: "batch-quality" }, "Quality"), quality),
    ),
    message,
    submit,
  );
  form.addEventListener("change", () => refresh());
  replaceChildren(root, form);

  void request(DashCatalogDocument).then(
    (c) => {
      catalog = c;
      replaceChildren(templates, ...c.templates.map((t, i) => h("label", { class: "check" }, h("input", { type: "radio", name: "template", value: t.id, checked: i === 0 }), h("span", {}, t.label, h("small", {}, t.description)))));
      replaceChildren(formats, ...c.formats.map((f) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "format", value: f.id, checked: f.id === "FLAT_1080P" }), h("span", {}, f.label, h("small", {}, `${f.width}×${f.height}`)))));
      refresh();
    },
    (e: Error) => setText(message, `Could not load templates and formats: ${e.message}`),
  );

  function addFiles(files: File[]): void {
    for (const file of files) {
      const entry: Entry = { key: keys++, file, handle: null, uploaded: null, error: null, row: h("li", { class: "file" }) };
      entries.push(entry);
      list.append(entry.row);
      start(entry);
    }
    refresh();
  }

  function start(entry: Entry): void {
    const bar = progressBar(`Upload of ${entry.file.name}`, 0);
    const detail = h("span", { class: "file-detail", "aria-live": "polite" }, `${formatBytes(entry.file.size)} · uploading`);
    const remove = h("button", { type: "button", class: "link", "aria-label": `Remove ${entry.file.name}`, onclick: () => removeEntry(entry) }, "Remove");
    replaceChildren(entry.row, h("span", { class: "file-name" }, entry.file.name), bar, detail, remove);
    entry.handle = uploadFile(entry.file, (loaded, total) => setProgress(bar, total ? (loaded / total) * 100 : 0));
    entry.handle.done.then(
      (u) => {
        entry.uploaded = u;
        setProgress(bar, 100);
        setText(detail, `${formatBytes(u.size)} · ${formatDuration(u.durationSeconds)} · ready`);
        refresh();
      },
      (e: Error) => {
        if (!entries.includes(entry)) return;
        entry.error = e.message;
        entry.row.classList.add("rejected");
        bar.remove();
        detail.replaceWith(h("span", { class: "file-error", role: "alert" }, `Rejected: ${e.message}`));
        refresh();
      },
    );
  }

  function removeEntry(entry: Entry): void {
    const i = entries.indexOf(entry);
    if (i < 0) return;
    entries.splice(i, 1);
    entry.handle?.abort();
    const next = entry.row.nextElementSibling?.querySelector("button") ?? submit;
    entry.row.remove();
    (next as HTMLElement).focus();
    refresh();
  }

  const checked = (name: string) => Array.from(form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)).map((i) => i.value);
  const flag = (name: string) => form.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.checked ?? false;

  function refresh(): void {
    const ready = entries.filter((e) => e.uploaded).length;
    const pending = entries.filter((e) => !e.uploaded && !e.error).length;
    const n = renderCount(ready, checked("format").length);
    submit.disabled = !catalog || ready === 0 || pending > 0 || n === 0;
    setText(submit, pending > 0 ? `Uploading ${pending} file${pending === 1 ? "" : "s"}…` : `Start batch (${n} render${n === 1 ? "" : "s"})`);
  }

  async function create(): Promise<void> {
    const ready = entries.filter((e) => e.uploaded);
    if (ready.length === 0) return setText(message, "Add at least one audio file.");
    if (checked("format").length === 0) return setText(message, "Choose at least one output format.");
    submit.disabled = true;
    setText(submit, "Creating batch…");
    try {
      const r = await request(DashCreateBatchDocument, {
        input: {
          name: nameInput.value.trim() || "Untitled batch",
          items: ready.map((e) => ({ uploadId: e.uploaded!.id })),
          template: (checked("template")[0] ?? "FLAME") as Template,
          formats: checked("format") as OutputFormat[],
          options: { transcribe: flag("transcribe"), syncToDrive: flag("syncToDrive"), notify: flag("notify"), exportToSheets: flag("exportToSheets"), quality: quality.value as Quality },
          idempotencyKey,
        },
      });
      idempotencyKey = newKey();
      nav(`#/batches/${encodeURIComponent(r.createBatch.batch.id)}?at=${r.createBatch.position}`);
    } catch (e) {
      setText(message, `The batch was not created: ${(e as Error).message}`);
      refresh();
    }
  }

  return () => {
    for (const e of entries) if (!e.uploaded) e.handle?.abort();
  };
};
