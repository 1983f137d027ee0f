import { findNatsServerBinary } from "../core/nats/local-server";

/** Fail fast with a clear message when set-up has not installed the test dependencies. */
export default function setup() {
  findNatsServerBinary(process.env.EMBERFLOW_NATS_SERVER);
}
