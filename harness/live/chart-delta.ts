/** One chart as the chart thread built it: its id and its LiveChart as JSON. */
export interface BuiltChart { id: string; json: string }

/** What one page has been sent: each chart's version. A new page (or a reconnection) starts empty. */
export type SentCharts = Map<string, number>;

/**
 * The charts last built, each with a version that moves only when its JSON changed, so a page is
 * sent a chart once per change instead of every second (on a 600-s run the five charts are ≈ 1.1 MiB).
 */
export class ChartDelta {
  private readonly charts = new Map<string, { json: string; version: number }>();
  private version = 0;

  /** Takes a build; returns whether any chart changed. */
  update(built: readonly BuiltChart[]): boolean {
    let changed = false;
    for (const c of built) {
      if (this.charts.get(c.id)?.json === c.json) continue;
      this.charts.set(c.id, { json: c.json, version: ++this.version });
      changed = true;
    }
    return changed;
  }

  /** The JSON array of the charts this page has not been sent in their current form; marks them sent. */
  unsent(sent: SentCharts): string {
    const out: string[] = [];
    for (const [id, c] of this.charts) {
      if (sent.get(id) === c.version) continue;
      sent.set(id, c.version);
      out.push(c.json);
    }
    return `[${out.join(',')}]`;
  }
}
