/**
 * Prometheus text exposition, hand-written (a few counters and gauges do not need prom-client).
 * Gauges that live elsewhere (projector position, subscribers) are read at scrape time.
 */
export type GaugeReader = () => number | Promise<number>;

export class Metrics {
  private readonly http = new Map<string, number>();
  private readonly counters = new Map<string, { help: string; value: number }>();
  private readonly gauges = new Map<string, { help: string; read: GaugeReader; type: "gauge" | "counter" }>();
  private readonly families = new Map<
    string,
    { help: string; type: "gauge" | "counter"; read: () => Promise<{ labels: Record<string, string>; value: number }[]> }
  >();

  countRequest(method: string, route: string, status: number): void {
    const key = `method="${method}",route="${route}",status="${status}"`;
    this.http.set(key, (this.http.get(key) ?? 0) + 1);
  }

  inc(name: string, help: string, by = 1): void {
    const c = this.counters.get(name) ?? { help, value: 0 };
    c.value += by;
    this.counters.set(name, c);
  }

  gauge(name: string, help: string, read: GaugeReader): void {
    this.gauges.set(name, { help, read, type: "gauge" });
  }

  /** A counter kept by someone else (e.g. EventStore.appended), read at scrape time. */
  counterFrom(name: string, help: string, read: GaugeReader): void {
    this.gauges.set(name, { help, read, type: "counter" });
  }

  /** A family of values with labels (per consumer, say), read at scrape time. */
  labelled(name: string, help: string, type: "gauge" | "counter", read: () => Promise<{ labels: Record<string, string>; value: number }[]>): void {
    this.families.set(name, { help, type, read });
  }

  async render(): Promise<string> {
    const out: string[] = [];
    out.push("# HELP emberflow_http_requests_total HTTP requests by route and status.", "# TYPE emberflow_http_requests_total counter");
    for (const [labels, v] of this.http) out.push(`emberflow_http_requests_total{${labels}} ${v}`);
    for (const [name, c] of this.counters) out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`, `${name} ${c.value}`);
    for (const [name, g] of this.gauges) {
      let v: number;
      try {
        v = await g.read();
      } catch {
        v = Number.NaN; // a failed read is reported as NaN, not as a failed scrape
      }
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} ${g.type}`, `${name} ${v}`);
    }
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      const rows = await f.read().catch(() => []);
      for (const r of rows) {
        const labels = Object.entries(r.labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",");
        out.push(`${name}{${labels}} ${r.value}`);
      }
    }
    return out.join("\n") + "\n";
  }
}
