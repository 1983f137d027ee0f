/** The CLI's GraphQL operations (the CLI is a GraphQL client like any other; see schema/schema.graphql). */
export const BATCH_FIELDS = `
  id name status progress createdAt completedAt template formats
  counts { total queued running succeeded failed cancelled }
  jobs {
    id index fileName status progress attempts
    outputs { format fileName bytes url driveUrl posterUrl }
    transcript { language description text }
    error { code message stage }
  }
  deliveries { id integration target status attempts lastError }`;

export const CREATE_BATCH = `mutation CliCreateBatch($input: CreateBatchInput!) {
  createBatch(input: $input) { position replayed batch { id name } }
}`;
export const BATCH = `query CliBatch($id: ID!, $atLeast: Int) { batch(id: $id, atLeast: $atLeast) { ${BATCH_FIELDS} } }`;
export const BATCH_UPDATED = `subscription CliBatchUpdated($id: ID!, $atLeast: Int) { batchUpdated(id: $id, atLeast: $atLeast) { ${BATCH_FIELDS} } }`;
export const JOB_PROGRESS = `subscription CliJobProgress($batchId: ID!) {
  jobProgress(batchId: $batchId) { jobId stage format percent etaSeconds status source }
}`;
export const DEAD_LETTERS = `query CliDeadLetters { deadLetters(first: 100) { id consumer eventType aggregateId error deliveries status updatedAt } }`;
export const RETRY_DEAD_LETTER = `mutation CliRetryDeadLetter($id: ID!) { retryDeadLetter(id: $id) { position deadLetter { id status } } }`;

export interface JobView {
  id: string;
  index: number;
  fileName: string;
  status: string;
  progress: number;
  attempts: number;
  outputs: { format: string; fileName: string; bytes: number; url: string; driveUrl: string | null; posterUrl: string | null }[];
  transcript: { language: string; description: string; text: string } | null;
  error: { code: string; message: string; stage: string } | null;
}

export interface BatchView {
  id: string;
  name: string;
  status: string;
  progress: number;
  createdAt: string;
  completedAt: string | null;
  template: string;
  formats: string[];
  counts: { total: number; queued: number; running: number; succeeded: number; failed: number; cancelled: number };
  jobs: JobView[];
  deliveries: { id: string; integration: string; target: string; status: string; attempts: number; lastError: string | null }[];
}

export interface ProgressTick {
  jobId: string;
  stage: string | null;
  format: string | null;
  percent: number;
  etaSeconds: number | null;
  status: string | null;
  source: string;
}

export interface DeadLetterView {
  id: string;
  consumer: string;
  eventType: string;
  aggregateId: string;
  error: string;
  deliveries: number;
  status: string;
  updatedAt: string;
}
