import type { RecordedEvent } from "../domain/shared/envelope";

/** What the server needs of the projector (projections/projector.ts): commits to listen to, read-your-writes, lag. */
export interface ProjectorHandle {
  onApplied(listener: (b: { from: number; to: number; events: RecordedEvent[] }) => void): () => void;
  waitFor(position: number, timeoutMs: number): Promise<boolean>;
  lag(): Promise<number>;
  position(): number;
}
