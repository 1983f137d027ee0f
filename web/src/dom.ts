/** A tiny DOM builder: h("button", { type: "button", onclick }, "Label"). No framework, no virtual DOM. */
type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value as EventListener);
    else if (key === "class") el.className = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && !key.includes("-") && key !== "list" && key !== "form") (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's children. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A visually hidden element that screen readers still read. */
export const srOnly = (text: string) => h("span", { class: "sr-only" }, text);

/** A labelled progress bar (native <progress>: role progressbar with value/max for assistive tech). */
export function progressBar(label: string, percent: number): HTMLProgressElement {
  return h("progress", { max: 100, value: clampPercent(percent), "aria-label": label });
}

export function setProgress(bar: HTMLProgressElement, percent: number, label?: string): void {
  bar.value = clampPercent(percent);
  bar.setAttribute("aria-valuetext", `${Math.round(clampPercent(percent))}%`);
  if (label) bar.setAttribute("aria-label", label);
}

function clampPercent(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}

/** Sets text only when it changed, so screen readers do not re-announce identical text. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
