import { Field, Float, ID, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "A worker process seen through its heartbeat (NATS KV bucket ef_workers_<stream>), listed until 15 minutes after its last one." })
export class Worker {
  @Field(() => ID, { description: "Unique per process (a restarted worker is a new one)." }) id!: string;
  @Field(() => String, { description: "WORKER_ID, as written in events such as RenderStarted and in logs." }) workerId!: string;
  @Field(() => String) host!: string;
  @Field(() => Int) pid!: number;
  @Field(() => [String], { description: "Worker kinds it runs: render, transcribe, workflow, integrations." }) kinds!: string[];
  @Field(() => String, { description: "ISO-8601, the worker's clock." }) startedAt!: string;
  @Field(() => String, { description: "ISO-8601 time NATS stored its newest heartbeat." }) lastSeenAt!: string;
  @Field(() => Float) heartbeatIntervalSeconds!: number;
  @Field(() => Boolean, { description: "No heartbeat for three intervals: probably crashed or cut off. A graceful stop removes the worker instead." }) stale!: boolean;
  @Field(() => Int, { nullable: true, description: "Events its handlers are working on at its last heartbeat." }) inFlight!: number | null;
  @Field(() => Int, { nullable: true, description: "Events it has handled since it started." }) handled!: number | null;
}

@ObjectType({ description: "How far this server node's read model is behind the event log." })
export class ProjectorStatus {
  @Field(() => Int, { description: "Stream position applied to this node's read model." }) position!: number;
  @Field(() => Int, { description: "Stream position of the newest event in the log." }) logPosition!: number;
  @Field(() => Int, { description: "Events in the log not yet applied here (GET /readyz answers 503 above 1,000)." }) lag!: number;
}
