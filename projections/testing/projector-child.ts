/**
 * Test helper run as a child process (`node --import tsx`): projects a log into a file, slowly, so
 * a test can SIGKILL it mid catch-up. Args: natsUrl stream prefix dbPath [msPerBatch] [maxBatch].
 */
import { connectNats } from "../../core/nats/connect";
import { EventStore } from "../../core/eventlog/event-store";
import { quietLogger } from "../../core/log/logger";
import { openReadModel } from "../read-model";
import { startProjector } from "../projector";

const [url, stream, prefix, path, msPerBatch = "0", maxBatch = "100"] = process.argv.slice(2);
const nc = await connectNats({ url: url!, name: "projector-child" });
const store = await EventStore.open(nc, { stream: stream!, prefix: prefix! });
const readModel = openReadModel(path!);
const apply = readModel.applyEvents.bind(readModel);
const pause = new Int32Array(new SharedArrayBuffer(4));
// a slow disk, in effect: each committed batch holds the thread, so the kill lands mid catch-up
readModel.applyEvents = (events) => {
  const r = apply(events);
  Atomics.wait(pause, 0, 0, Number(msPerBatch));
  return r;
};
await startProjector({ store, readModel, logger: quietLogger(), maxBatch: Number(maxBatch) });
process.stdout.write("started\n");
