/**
 * Uploads an output file to Google Drive (or any rclone remote) with `rclone copyto`, verifies the
 * copy, and returns a real file link. The destination path is deterministic, so a retried upload
 * overwrites the same object instead of adding a second one: that path is the idempotency key.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { IntegrationError } from "../integration-error.js";
import { buildFileLink, buildRemoteTarget, normalizeRemoteName, remoteSpec, type BatchFolderNaming } from "./drive-paths.js";
import { runRclone, type RcloneRunnerOptions } from "./rclone-runner.js";

export interface DriveUploadRequest {
  /** The finished output on local disk. */
  localPath: string;
  /** Name on the remote; default: the local file's name. */
  fileName?: string;
  batchId: string;
  batchName?: string;
  /** Batch creation time (ISO): picks the YYYY/MM folders. */
  batchCreatedAt: string;
  /** Event id of the fact being handled; concurrent calls for one target share one copy. */
  idempotencyId?: string;
}

export interface DriveUploadResult {
  /** `remote:path` of the uploaded object. */
  remotePath: string;
  url: string;
  /** Backend object id (Drive file id) when the backend has ids. */
  fileId?: string;
  bytes: number;
  /** How the copy was checked: a hash both sides know, or size when the remote has no common hash. */
  verifiedBy: "md5" | "sha1" | "size";
}

export interface DriveAdapter {
  upload(request: DriveUploadRequest): Promise<DriveUploadResult>;
  /** Fails with a permanent error when the remote is not in the rclone config (seed never checked). */
  checkRemote(): Promise<{ backend: string }>;
}

export interface DriveConfig {
  /** `GDRIVE_REMOTE`: rclone remote name, with or without the trailing colon. */
  remote: string;
  /** `GDRIVE_OUTPUT_FOLDER`; default `Emberflow/Renders`. */
  folder?: string;
  /** `RCLONE_CONFIG`: config file path. */
  configPath?: string;
  /** `RCLONE_FLAGS`, already split (see parseRcloneFlags); appended after the defaults so they win. */
  flags?: string[];
  /** Link template for backends without file ids; see buildFileLink. */
  linkTemplate?: string;
  folderNaming?: BatchFolderNaming;
  binary?: string;
  /** Per rclone invocation; default 30 minutes (large 8K renders on slow uplinks). */
  timeoutMs?: number;
}

/**
 * rclone's own retry loop is cut to one pass: retries belong to the caller's backoff, which
 * survives restarts, instead of rclone spinning inside one attempt.
 */
const DEFAULT_FLAGS = ["--retries", "1", "--low-level-retries", "3", "--contimeout", "15s"];

interface RemoteEntry {
  Size: number;
  ID?: string;
  IsDir: boolean;
  Hashes?: Record<string, string>;
}

export function createDriveAdapterIfConfigured(config: Partial<DriveConfig> | undefined): DriveAdapter | undefined {
  // Off unless GDRIVE_REMOTE is set, as in the seed.
  if (!config?.remote) return undefined;
  return createRcloneDriveAdapter(config as DriveConfig);
}

export function createRcloneDriveAdapter(config: DriveConfig): DriveAdapter {
  const remote = normalizeRemoteName(config.remote);
  const folder = config.folder ?? "Emberflow/Renders";
  const runner: RcloneRunnerOptions = { binary: config.binary, configPath: config.configPath, timeoutMs: config.timeoutMs ?? 30 * 60_000 };
  const flags = [...DEFAULT_FLAGS, ...(config.flags ?? [])];
  const inFlight = new Map<string, Promise<DriveUploadResult>>();
  let backend: Promise<string> | undefined;

  async function lookupBackend(): Promise<string> {
    const { stdout } = await runRclone(["listremotes", "--long"], runner);
    for (const line of stdout.split("\n")) {
      const match = /^(.+?):\s+(\S+)\s*$/.exec(line.trim());
      if (match && match[1] === remote) return match[2];
    }
    throw new IntegrationError("google-drive", `remote "${remote}" is not in the rclone config: run \`rclone config\` or set RCLONE_CONFIG`, {
      retryable: false,
      code: "REMOTE_MISSING",
    });
  }

  function getBackend(): Promise<string> {
    // Cache success only: a failed lookup (e.g. config file being written) is asked again next time.
    backend ??= lookupBackend().catch((err: unknown) => {
      backend = undefined;
      throw err;
    });
    return backend;
  }

  async function doUpload(request: DriveUploadRequest, spec: string, target: ReturnType<typeof buildRemoteTarget>): Promise<DriveUploadResult> {
    const kind = await getBackend();
    const local = await localDigest(request.localPath);
    await runRclone(["copyto", request.localPath, spec, ...flags], runner);

    const { stdout } = await runRclone(["lsjson", "--stat", "--hash", "--hash-type", "md5", "--hash-type", "sha1", spec, ...flags], runner);
    const entry = parseEntry(stdout);
    if (entry.IsDir || entry.Size !== local.size) {
      throw verifyError(`remote size ${entry.Size} differs from local size ${local.size}`);
    }
    let verifiedBy: DriveUploadResult["verifiedBy"] = "size";
    for (const type of ["md5", "sha1"] as const) {
      const remoteHash = entry.Hashes?.[type];
      if (!remoteHash) continue;
      if (remoteHash.toLowerCase() !== local[type]) throw verifyError(`remote ${type} differs from the local file`);
      verifiedBy = type;
      break;
    }
    return {
      remotePath: spec,
      url: buildFileLink({ target, backend: kind, id: entry.ID, linkTemplate: config.linkTemplate }),
      fileId: entry.ID,
      bytes: local.size,
      verifiedBy,
    };
  }

  return {
    checkRemote: async () => ({ backend: await getBackend() }),
    async upload(request) {
      const target = buildRemoteTarget({
        remote,
        folder,
        batchId: request.batchId,
        batchName: request.batchName,
        batchCreatedAt: request.batchCreatedAt,
        fileName: request.fileName ?? basename(request.localPath),
        naming: config.folderNaming,
      });
      const spec = remoteSpec(target);
      // Two concurrent copies of one name can leave two same-named files on Drive: share one.
      const running = inFlight.get(spec);
      if (running) return running;
      const promise = doUpload(request, spec, target).finally(() => inFlight.delete(spec));
      inFlight.set(spec, promise);
      return promise;
    },
  };
}

async function localDigest(path: string): Promise<{ size: number; md5: string; sha1: string }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a regular file");
    size = info.size;
  } catch (err) {
    // The output is gone or unreadable: re-running the upload cannot bring it back.
    throw new IntegrationError("google-drive", `local file ${basename(path)} is not readable (${(err as Error).message})`, {
      retryable: false,
      code: "LOCAL_FILE",
      cause: err,
    });
  }
  const md5 = createHash("md5");
  const sha1 = createHash("sha1");
  for await (const chunk of createReadStream(path)) {
    md5.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  return { size, md5: md5.digest("hex"), sha1: sha1.digest("hex") };
}

function parseEntry(stdout: string): RemoteEntry {
  try {
    const parsed = JSON.parse(stdout) as RemoteEntry;
    if (typeof parsed.Size !== "number") throw new Error("no Size");
    return parsed;
  } catch {
    throw verifyError("rclone lsjson returned no usable entry");
  }
}

/** A bad copy is retried: copyto sees the differing hash/size and uploads again in place. */
function verifyError(detail: string): IntegrationError {
  return new IntegrationError("google-drive", `verification after copy failed: ${detail}; will be retried`, {
    retryable: true,
    code: "VERIFY_MISMATCH",
  });
}
