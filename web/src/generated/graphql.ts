/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type BatchItemInput = {
  /** An id returned by POST /uploads. */
  uploadId: string | number;
};

export type BatchOptionsInput = {
  /** Force one codec; null lets each format choose. */
  codec?: VideoCodec | null | undefined;
  exportToSheets?: boolean;
  /** 30 or 60 */
  fps?: number;
  notify?: boolean;
  quality?: Quality;
  syncToDrive?: boolean;
  transcribe?: boolean;
};

/** PARTIAL: every job is terminal and some, not all, succeeded. */
export type BatchStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PARTIAL'
  | 'QUEUED'
  | 'RUNNING';

export type CreateBatchInput = {
  formats: Array<OutputFormat>;
  /** The same key returns the same batch, across retries, restarts and nodes. */
  idempotencyKey?: string | null | undefined;
  items: Array<BatchItemInput>;
  name: string;
  options?: BatchOptionsInput | null | undefined;
  template: Template;
};

export type DeadLetterStatus =
  | 'OPEN'
  | 'RESOLVED'
  | 'RETRYING';

export type DeliveryStatus =
  | 'FAILED'
  | 'PENDING'
  | 'RETRYING'
  | 'SUCCEEDED';

export type JobStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'QUEUED'
  | 'RENDERING'
  | 'RETRYING'
  | 'TRANSCRIBING';

/** The one vocabulary of output formats (flat and 360°). */
export type OutputFormat =
  | 'FLAT_4K'
  | 'FLAT_4K_SQUARE'
  | 'FLAT_4K_VERTICAL'
  | 'FLAT_1080P'
  | 'FLAT_1080P_SQUARE'
  | 'FLAT_1080P_VERTICAL'
  | 'VR360_MONO_4K'
  | 'VR360_MONO_6K'
  | 'VR360_MONO_8K'
  | 'VR360_STEREO_4K'
  | 'VR360_STEREO_8K';

/** LIVE: a worker's FFmpeg tick; MILESTONE: a recorded event. */
export type ProgressSource =
  | 'LIVE'
  | 'MILESTONE';

/** DRAFT renders at a quarter of the size, for previews. */
export type Quality =
  | 'BALANCED'
  | 'DRAFT'
  | 'HIGH';

/** Visual template the render worker draws. */
export type Template =
  | 'FLAME'
  | 'MIST';

export type VideoCodec =
  | 'H264'
  | 'HEVC';

export type DashBatchSummaryFragment = { id: string, name: string, version: number, status: BatchStatus, template: Template, formats: Array<OutputFormat>, createdAt: string, completedAt: string | null, progress: number, counts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } };

export type DashJobFragment = { id: string, index: number, fileName: string, status: JobStatus, progress: number, attempts: number, outputs: Array<{ format: OutputFormat, fileName: string, bytes: number, codec: string, width: number, height: number, durationSeconds: number, driveUrl: string | null, url: string, posterUrl: string | null }>, transcript: { text: string, language: string, durationSeconds: number, description: string } | null, error: { code: string, message: string, stage: string } | null };

export type DashBatchDetailFragment = { version: number, id: string, name: string, status: BatchStatus, template: Template, formats: Array<OutputFormat>, createdAt: string, completedAt: string | null, progress: number, options: { transcribe: boolean, syncToDrive: boolean, notify: boolean, exportToSheets: boolean, quality: Quality, fps: number }, jobs: Array<{ id: string, index: number, fileName: string, status: JobStatus, progress: number, attempts: number, outputs: Array<{ format: OutputFormat, fileName: string, bytes: number, codec: string, width: number, height: number, durationSeconds: number, driveUrl: string | null, url: string, posterUrl: string | null }>, transcript: { text: string, language: string, durationSeconds: number, description: string } | null, error: { code: string, message: string, stage: string } | null }>, deliveries: Array<{ id: string, integration: string, target: string, status: DeliveryStatus, attempts: number, lastError: string | null, jobId: string | null, updatedAt: string }>, counts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } };

export type DashCreateBatchMutationVariables = Exact<{
  input: CreateBatchInput;
}>;


export type DashCreateBatchMutation = { createBatch: { position: number, replayed: boolean, batch: { id: string } } };

export type DashCancelBatchMutationVariables = Exact<{
  id: string | number;
}>;


export type DashCancelBatchMutation = { cancelBatch: { position: number } };

export type DashCancelJobMutationVariables = Exact<{
  id: string | number;
}>;


export type DashCancelJobMutation = { cancelJob: { position: number } };

export type DashRetryJobMutationVariables = Exact<{
  id: string | number;
}>;


export type DashRetryJobMutation = { retryJob: { position: number } };

export type DashRetryDeliveryMutationVariables = Exact<{
  id: string | number;
}>;


export type DashRetryDeliveryMutation = { retryDelivery: { position: number } };

export type DashExportToSheetsMutationVariables = Exact<{
  batchId: string | number;
}>;


export type DashExportToSheetsMutation = { exportBatchToSheets: { position: number } };

export type DashRetryDeadLetterMutationVariables = Exact<{
  id: string | number;
}>;


export type DashRetryDeadLetterMutation = { retryDeadLetter: { position: number } };

export type DashCatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type DashCatalogQuery = { templates: Array<{ id: Template, label: string, description: string }>, formats: Array<{ id: OutputFormat, label: string, width: number, height: number, projection: string, stereo: string }> };

export type DashBatchesQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  status?: BatchStatus | null | undefined;
}>;


export type DashBatchesQuery = { batches: { totalCount: number, edges: Array<{ cursor: string | null, node: { id: string, name: string, version: number, status: BatchStatus, template: Template, formats: Array<OutputFormat>, createdAt: string, completedAt: string | null, progress: number, counts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type DashBatchQueryVariables = Exact<{
  id: string | number;
  atLeast?: number | null | undefined;
}>;


export type DashBatchQuery = { batch: { version: number, id: string, name: string, status: BatchStatus, template: Template, formats: Array<OutputFormat>, createdAt: string, completedAt: string | null, progress: number, options: { transcribe: boolean, syncToDrive: boolean, notify: boolean, exportToSheets: boolean, quality: Quality, fps: number }, jobs: Array<{ id: string, index: number, fileName: string, status: JobStatus, progress: number, attempts: number, outputs: Array<{ format: OutputFormat, fileName: string, bytes: number, codec: string, width: number, height: number, durationSeconds: number, driveUrl: string | null, url: string, posterUrl: string | null }>, transcript: { text: string, language: string, durationSeconds: number, description: string } | null, error: { code: string, message: string, stage: string } | null }>, deliveries: Array<{ id: string, integration: string, target: string, status: DeliveryStatus, attempts: number, lastError: string | null, jobId: string | null, updatedAt: string }>, counts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } } | null };

export type DashQueueStatsFragment = { position: number, openDeadLetters: number, projector: { position: number, logPosition: number, lag: number }, batches: { QUEUED: number, RUNNING: number, COMPLETED: number, PARTIAL: number, FAILED: number, CANCELLED: number }, jobs: { QUEUED: number, RENDERING: number, TRANSCRIBING: number, RETRYING: number, COMPLETED: number, FAILED: number, CANCELLED: number } };

export type DashOperationsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashOperationsQuery = { queueStats: { position: number, openDeadLetters: number, projector: { position: number, logPosition: number, lag: number }, batches: { QUEUED: number, RUNNING: number, COMPLETED: number, PARTIAL: number, FAILED: number, CANCELLED: number }, jobs: { QUEUED: number, RENDERING: number, TRANSCRIBING: number, RETRYING: number, COMPLETED: number, FAILED: number, CANCELLED: number } }, deadLetters: Array<{ id: string, consumer: string, eventType: string, aggregateId: string, error: string, deliveries: number, status: DeadLetterStatus, createdAt: string, updatedAt: string }>, projector: { position: number, logPosition: number, lag: number }, workers: Array<{ id: string, workerId: string, host: string, pid: number, kinds: Array<string>, startedAt: string, lastSeenAt: string, stale: boolean, inFlight: number | null, handled: number | null }> };

export type DashHealthFragment = { projector: { position: number, logPosition: number, lag: number }, workers: Array<{ id: string, workerId: string, host: string, pid: number, kinds: Array<string>, startedAt: string, lastSeenAt: string, stale: boolean, inFlight: number | null, handled: number | null }> };

export type DashHealthQueryVariables = Exact<{ [key: string]: never; }>;


export type DashHealthQuery = { projector: { position: number, logPosition: number, lag: number }, workers: Array<{ id: string, workerId: string, host: string, pid: number, kinds: Array<string>, startedAt: string, lastSeenAt: string, stale: boolean, inFlight: number | null, handled: number | null }> };

export type DashBatchEventsQueryVariables = Exact<{
  batchId: string | number;
  after?: number | null | undefined;
  first: number;
}>;


export type DashBatchEventsQuery = { events: Array<{ id: string, seq: number, type: string, aggregateType: string, aggregateId: string, occurredAt: string, actor: string }> };

export type DashBatchUpdatedSubscriptionVariables = Exact<{
  id: string | number;
  atLeast?: number | null | undefined;
}>;


export type DashBatchUpdatedSubscription = { batchUpdated: { version: number, id: string, name: string, status: BatchStatus, template: Template, formats: Array<OutputFormat>, createdAt: string, completedAt: string | null, progress: number, options: { transcribe: boolean, syncToDrive: boolean, notify: boolean, exportToSheets: boolean, quality: Quality, fps: number }, jobs: Array<{ id: string, index: number, fileName: string, status: JobStatus, progress: number, attempts: number, outputs: Array<{ format: OutputFormat, fileName: string, bytes: number, codec: string, width: number, height: number, durationSeconds: number, driveUrl: string | null, url: string, posterUrl: string | null }>, transcript: { text: string, language: string, durationSeconds: number, description: string } | null, error: { code: string, message: string, stage: string } | null }>, deliveries: Array<{ id: string, integration: string, target: string, status: DeliveryStatus, attempts: number, lastError: string | null, jobId: string | null, updatedAt: string }>, counts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } } | null };

export type DashBatchSummaryUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type DashBatchSummaryUpdatedSubscription = { batchUpdated: { id: string, name: string, version: number, status: BatchStatus, template: Template, formats: Array<OutputFormat>, createdAt: string, completedAt: string | null, progress: number, counts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } } | null };

export type DashJobProgressSubscriptionVariables = Exact<{
  batchId: string | number;
}>;


export type DashJobProgressSubscription = { jobProgress: { jobId: string, stage: string | null, format: OutputFormat | null, percent: number, etaSeconds: number | null, status: JobStatus | null, source: ProgressSource, at: string } };

export type DashBatchesChangedSubscriptionVariables = Exact<{
  status?: BatchStatus | null | undefined;
}>;


export type DashBatchesChangedSubscription = { batchesChanged: { id: string, name: string, version: number, status: BatchStatus, template: Template, formats: Array<OutputFormat>, createdAt: string, completedAt: string | null, progress: number, counts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } } };

export type DashQueueStatsUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashQueueStatsUpdatedSubscription = { queueStatsUpdated: { position: number, openDeadLetters: number, projector: { position: number, logPosition: number, lag: number }, batches: { QUEUED: number, RUNNING: number, COMPLETED: number, PARTIAL: number, FAILED: number, CANCELLED: number }, jobs: { QUEUED: number, RENDERING: number, TRANSCRIBING: number, RETRYING: number, COMPLETED: number, FAILED: number, CANCELLED: number } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const DashBatchSummaryFragmentDoc = new TypedDocumentString(`
    fragment DashBatchSummary on Batch {
  id
  name
  version
  status
  template
  formats
  createdAt
  completedAt
  progress
  counts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}
    `, {"fragmentName":"DashBatchSummary"}) as unknown as TypedDocumentString<DashBatchSummaryFragment, unknown>;
export const DashJobFragmentDoc = new TypedDocumentString(`
    fragment DashJob on Job {
  id
  index
  fileName
  status
  progress
  attempts
  outputs {
    format
    fileName
    bytes
    codec
    width
    height
    durationSeconds
    driveUrl
    url
    posterUrl
  }
  transcript {
    text
    language
    durationSeconds
    description
  }
  error {
    code
    message
    stage
  }
}
    `, {"fragmentName":"DashJob"}) as unknown as TypedDocumentString<DashJobFragment, unknown>;
export const DashBatchDetailFragmentDoc = new TypedDocumentString(`
    fragment DashBatchDetail on Batch {
  ...DashBatchSummary
  version
  options {
    transcribe
    syncToDrive
    notify
    exportToSheets
    quality
    fps
  }
  jobs {
    ...DashJob
  }
  deliveries {
    id
    integration
    target
    status
    attempts
    lastError
    jobId
    updatedAt
  }
}
    fragment DashBatchSummary on Batch {
  id
  name
  version
  status
  template
  formats
  createdAt
  completedAt
  progress
  counts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}
fragment DashJob on Job {
  id
  index
  fileName
  status
  progress
  attempts
  outputs {
    format
    fileName
    bytes
    codec
    width
    height
    durationSeconds
    driveUrl
    url
    posterUrl
  }
  transcript {
    text
    language
    durationSeconds
    description
  }
  error {
    code
    message
    stage
  }
}`, {"fragmentName":"DashBatchDetail"}) as unknown as TypedDocumentString<DashBatchDetailFragment, unknown>;
export const DashQueueStatsFragmentDoc = new TypedDocumentString(`
    fragment DashQueueStats on QueueStats {
  position
  openDeadLetters
  projector {
    position
    logPosition
    lag
  }
  batches {
    QUEUED
    RUNNING
    COMPLETED
    PARTIAL
    FAILED
    CANCELLED
  }
  jobs {
    QUEUED
    RENDERING
    TRANSCRIBING
    RETRYING
    COMPLETED
    FAILED
    CANCELLED
  }
}
    `, {"fragmentName":"DashQueueStats"}) as unknown as TypedDocumentString<DashQueueStatsFragment, unknown>;
export const DashHealthFragmentDoc = new TypedDocumentString(`
    fragment DashHealth on Query {
  projector {
    position
    logPosition
    lag
  }
  workers {
    id
    workerId
    host
    pid
    kinds
    startedAt
    lastSeenAt
    stale
    inFlight
    handled
  }
}
    `, {"fragmentName":"DashHealth"}) as unknown as TypedDocumentString<DashHealthFragment, unknown>;
export const DashCreateBatchDocument = new TypedDocumentString(`
    mutation DashCreateBatch($input: CreateBatchInput!) {
  createBatch(input: $input) {
    position
    replayed
    batch {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DashCreateBatchMutation, DashCreateBatchMutationVariables>;
export const DashCancelBatchDocument = new TypedDocumentString(`
    mutation DashCancelBatch($id: ID!) {
  cancelBatch(id: $id) {
    position
  }
}
    `) as unknown as TypedDocumentString<DashCancelBatchMutation, DashCancelBatchMutationVariables>;
export const DashCancelJobDocument = new TypedDocumentString(`
    mutation DashCancelJob($id: ID!) {
  cancelJob(id: $id) {
    position
  }
}
    `) as unknown as TypedDocumentString<DashCancelJobMutation, DashCancelJobMutationVariables>;
export const DashRetryJobDocument = new TypedDocumentString(`
    mutation DashRetryJob($id: ID!) {
  retryJob(id: $id) {
    position
  }
}
    `) as unknown as TypedDocumentString<DashRetryJobMutation, DashRetryJobMutationVariables>;
export const DashRetryDeliveryDocument = new TypedDocumentString(`
    mutation DashRetryDelivery($id: ID!) {
  retryDelivery(id: $id) {
    position
  }
}
    `) as unknown as TypedDocumentString<DashRetryDeliveryMutation, DashRetryDeliveryMutationVariables>;
export const DashExportToSheetsDocument = new TypedDocumentString(`
    mutation DashExportToSheets($batchId: ID!) {
  exportBatchToSheets(batchId: $batchId) {
    position
  }
}
    `) as unknown as TypedDocumentString<DashExportToSheetsMutation, DashExportToSheetsMutationVariables>;
export const DashRetryDeadLetterDocument = new TypedDocumentString(`
    mutation DashRetryDeadLetter($id: ID!) {
  retryDeadLetter(id: $id) {
    position
  }
}
    `) as unknown as TypedDocumentString<DashRetryDeadLetterMutation, DashRetryDeadLetterMutationVariables>;
export const DashCatalogDocument = new TypedDocumentString(`
    query DashCatalog {
  templates {
    id
    label
    description
  }
  formats {
    id
    label
    width
    height
    projection
    stereo
  }
}
    `) as unknown as TypedDocumentString<DashCatalogQuery, DashCatalogQueryVariables>;
export const DashBatchesDocument = new TypedDocumentString(`
    query DashBatches($first: Int!, $after: String, $status: BatchStatus) {
  batches(first: $first, after: $after, status: $status) {
    edges {
      cursor
      node {
        ...DashBatchSummary
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    totalCount
  }
}
    fragment DashBatchSummary on Batch {
  id
  name
  version
  status
  template
  formats
  createdAt
  completedAt
  progress
  counts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}`) as unknown as TypedDocumentString<DashBatchesQuery, DashBatchesQueryVariables>;
export const DashBatchDocument = new TypedDocumentString(`
    query DashBatch($id: ID!, $atLeast: Int) {
  batch(id: $id, atLeast: $atLeast) {
    ...DashBatchDetail
  }
}
    fragment DashBatchSummary on Batch {
  id
  name
  version
  status
  template
  formats
  createdAt
  completedAt
  progress
  counts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}
fragment DashJob on Job {
  id
  index
  fileName
  status
  progress
  attempts
  outputs {
    format
    fileName
    bytes
    codec
    width
    height
    durationSeconds
    driveUrl
    url
    posterUrl
  }
  transcript {
    text
    language
    durationSeconds
    description
  }
  error {
    code
    message
    stage
  }
}
fragment DashBatchDetail on Batch {
  ...DashBatchSummary
  version
  options {
    transcribe
    syncToDrive
    notify
    exportToSheets
    quality
    fps
  }
  jobs {
    ...DashJob
  }
  deliveries {
    id
    integration
    target
    status
    attempts
    lastError
    jobId
    updatedAt
  }
}`) as unknown as TypedDocumentString<DashBatchQuery, DashBatchQueryVariables>;
export const DashOperationsDocument = new TypedDocumentString(`
    query DashOperations {
  queueStats {
    ...DashQueueStats
  }
  deadLetters(first: 100) {
    id
    consumer
    eventType
    aggregateId
    error
    deliveries
    status
    createdAt
    updatedAt
  }
  ...DashHealth
}
    fragment DashQueueStats on QueueStats {
  position
  openDeadLetters
  projector {
    position
    logPosition
    lag
  }
  batches {
    QUEUED
    RUNNING
    COMPLETED
    PARTIAL
    FAILED
    CANCELLED
  }
  jobs {
    QUEUED
    RENDERING
    TRANSCRIBING
    RETRYING
    COMPLETED
    FAILED
    CANCELLED
  }
}
fragment DashHealth on Query {
  projector {
    position
    logPosition
    lag
  }
  workers {
    id
    workerId
    host
    pid
    kinds
    startedAt
    lastSeenAt
    stale
    inFlight
    handled
  }
}`) as unknown as TypedDocumentString<DashOperationsQuery, DashOperationsQueryVariables>;
export const DashHealthDocument = new TypedDocumentString(`
    query DashHealth {
  ...DashHealth
}
    fragment DashHealth on Query {
  projector {
    position
    logPosition
    lag
  }
  workers {
    id
    workerId
    host
    pid
    kinds
    startedAt
    lastSeenAt
    stale
    inFlight
    handled
  }
}`) as unknown as TypedDocumentString<DashHealthQuery, DashHealthQueryVariables>;
export const DashBatchEventsDocument = new TypedDocumentString(`
    query DashBatchEvents($batchId: ID!, $after: Int, $first: Int!) {
  events(aggregateId: $batchId, after: $after, first: $first) {
    id
    seq
    type
    aggregateType
    aggregateId
    occurredAt
    actor
  }
}
    `) as unknown as TypedDocumentString<DashBatchEventsQuery, DashBatchEventsQueryVariables>;
export const DashBatchUpdatedDocument = new TypedDocumentString(`
    subscription DashBatchUpdated($id: ID!, $atLeast: Int) {
  batchUpdated(id: $id, atLeast: $atLeast) {
    ...DashBatchDetail
  }
}
    fragment DashBatchSummary on Batch {
  id
  name
  version
  status
  template
  formats
  createdAt
  completedAt
  progress
  counts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}
fragment DashJob on Job {
  id
  index
  fileName
  status
  progress
  attempts
  outputs {
    format
    fileName
    bytes
    codec
    width
    height
    durationSeconds
    driveUrl
    url
    posterUrl
  }
  transcript {
    text
    language
    durationSeconds
    description
  }
  error {
    code
    message
    stage
  }
}
fragment DashBatchDetail on Batch {
  ...DashBatchSummary
  version
  options {
    transcribe
    syncToDrive
    notify
    exportToSheets
    quality
    fps
  }
  jobs {
    ...DashJob
  }
  deliveries {
    id
    integration
    target
    status
    attempts
    lastError
    jobId
    updatedAt
  }
}`) as unknown as TypedDocumentString<DashBatchUpdatedSubscription, DashBatchUpdatedSubscriptionVariables>;
export const DashBatchSummaryUpdatedDocument = new TypedDocumentString(`
    subscription DashBatchSummaryUpdated($id: ID!) {
  batchUpdated(id: $id) {
    ...DashBatchSummary
  }
}
    fragment DashBatchSummary on Batch {
  id
  name
  version
  status
  template
  formats
  createdAt
  completedAt
  progress
  counts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}`) as unknown as TypedDocumentString<DashBatchSummaryUpdatedSubscription, DashBatchSummaryUpdatedSubscriptionVariables>;
export const DashJobProgressDocument = new TypedDocumentString(`
    subscription DashJobProgress($batchId: ID!) {
  jobProgress(batchId: $batchId) {
    jobId
    stage
    format
    percent
    etaSeconds
    status
    source
    at
  }
}
    `) as unknown as TypedDocumentString<DashJobProgressSubscription, DashJobProgressSubscriptionVariables>;
export const DashBatchesChangedDocument = new TypedDocumentString(`
    subscription DashBatchesChanged($status: BatchStatus) {
  batchesChanged(status: $status) {
    ...DashBatchSummary
  }
}
    fragment DashBatchSummary on Batch {
  id
  name
  version
  status
  template
  formats
  createdAt
  completedAt
  progress
  counts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}`) as unknown as TypedDocumentString<DashBatchesChangedSubscription, DashBatchesChangedSubscriptionVariables>;
export const DashQueueStatsUpdatedDocument = new TypedDocumentString(`
    subscription DashQueueStatsUpdated {
  queueStatsUpdated {
    ...DashQueueStats
  }
}
    fragment DashQueueStats on QueueStats {
  position
  openDeadLetters
  projector {
    position
    logPosition
    lag
  }
  batches {
    QUEUED
    RUNNING
    COMPLETED
    PARTIAL
    FAILED
    CANCELLED
  }
  jobs {
    QUEUED
    RENDERING
    TRANSCRIBING
    RETRYING
    COMPLETED
    FAILED
    CANCELLED
  }
}`) as unknown as TypedDocumentString<DashQueueStatsUpdatedSubscription, DashQueueStatsUpdatedSubscriptionVariables>;