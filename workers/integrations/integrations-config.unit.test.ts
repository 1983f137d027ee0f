import { describe, expect, it } from "vitest";
import { IntegrationConfigError, integrationSecrets, parseIntegrationConfig } from "./integrations-config.js";

const KEY_ONE_LINE = "-----BEGIN PRIVATE KEY-----\\nMIIabc\\n-----END PRIVATE KEY-----\\n";
const problems = (env: Record<string, string | undefined>): readonly string[] => {
  try {
    parseIntegrationConfig(env);
  } catch (err) {
    if (err instanceof IntegrationConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe("parseIntegrationConfig", () => {
  it("everything off when nothing (or only blanks) is set", () => {
    expect(parseIntegrationConfig({ NTFY_TOPIC: "", GDRIVE_REMOTE: "  ", NTFY_URL: "https://ntfy.sh" })).toEqual({ ntfy: null, drive: null, sheets: null, webhooks: null });
  });

  it("parses every integration", () => {
    const c = parseIntegrationConfig({
      NTFY_SERVER: "https://ntfy.example", // the seed's alias
      NTFY_TOPIC: "renders",
      NTFY_TOKEN: "tk_abc123",
      NTFY_NOTIFY_STARTED: "yes",
      GDRIVE_REMOTE: "gdrive:",
      RCLONE_CONFIG: "/etc/rclone.conf",
      RCLONE_FLAGS: `--tpslimit 2 --bwlimit "08:00,512k"`,
      GOOGLE_SHEETS_ID: "1AbC_d-E",
      GOOGLE_SERVICE_ACCOUNT_EMAIL: "sa@p.iam.gserviceaccount.com",
      GOOGLE_PRIVATE_KEY: `"${KEY_ONE_LINE}"`,
      N8N_WEBHOOK_RENDER_URL: "http://n8n:5678/webhook/render-complete",
      N8N_WEBHOOK_SECRET: "n8n-secret",
      WEBHOOKS: JSON.stringify([{ id: "zap", url: "https://hooks.example/x", secret: "zap-secret-1", events: ["batch.*"] }]),
      PUBLIC_URL: "https://ember.example/",
    });
    expect(c.ntfy).toEqual({ url: "https://ntfy.example", topic: "renders", token: "tk_abc123", notifyStarted: true });
    expect(c.drive).toEqual({
      remote: "gdrive:",
      folder: "Emberflow/Renders",
      configPath: "/etc/rclone.conf",
      flags: ["--tpslimit", "2", "--bwlimit", "08:00,512k"],
      folderNaming: "name-and-id",
    });
    expect(c.sheets).toMatchObject({ spreadsheetId: "1AbC_d-E", tab: "Renders", privateKey: "-----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----" });
    expect(c.webhooks?.subscriptions).toEqual([{ id: "zap", url: "https://hooks.example/x", secret: "zap-secret-1", events: ["batch.*"] }]);
    expect(c.publicUrl).toBe("https://ember.example");
    expect(integrationSecrets(c).sort()).toEqual(["-----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----", "n8n-secret", "tk_abc123", "zap-secret-1"].sort());
  });

  it("ntfy: only NTFY_TOPIC set means the public ntfy.sh (the seed's default), and says so", () => {
    expect(parseIntegrationConfig({ NTFY_TOPIC: "renders" }).ntfy).toEqual({ url: "https://ntfy.sh", urlDefaulted: true, topic: "renders", notifyStarted: false });
    expect(parseIntegrationConfig({ NTFY_TOPIC: "renders", NTFY_URL: " " }).ntfy).toMatchObject({ url: "https://ntfy.sh", urlDefaulted: true });
    // either name of the server variable wins over the default
    expect(parseIntegrationConfig({ NTFY_TOPIC: "renders", NTFY_SERVER: "https://ntfy.example" }).ntfy).toEqual({ url: "https://ntfy.example", topic: "renders", notifyStarted: false });
    expect(parseIntegrationConfig({ NTFY_TOPIC: "renders", NTFY_URL: "https://a.example", NTFY_SERVER: "https://b.example" }).ntfy?.url).toBe("https://a.example");
    // a bad server URL is still an error, not a silent fallback to ntfy.sh
    expect(problems({ NTFY_TOPIC: "renders", NTFY_URL: "ntfy.example" })).toEqual(["NTFY_URL must be an http(s) URL"]);
  });

  it("drive: GDRIVE_FOLDER_NAMING and GDRIVE_LINK_TEMPLATE", () => {
    const drive = (env: Record<string, string>) => parseIntegrationConfig({ GDRIVE_REMOTE: "gdrive", ...env }).drive;
    expect(drive({})).toMatchObject({ folderNaming: "name-and-id" });
    expect(drive({})).not.toHaveProperty("linkTemplate");
    expect(drive({ GDRIVE_FOLDER_NAMING: "name" })).toMatchObject({ folderNaming: "name" });
    expect(drive({ GDRIVE_FOLDER_NAMING: "ID" })).toMatchObject({ folderNaming: "id" });
    expect(drive({ GDRIVE_LINK_TEMPLATE: "https://files.example.com/{encodedPath}" })).toMatchObject({ linkTemplate: "https://files.example.com/{encodedPath}" });
    expect(drive({ GDRIVE_LINK_TEMPLATE: "https://drive.google.com/uc?id={id}&export=download" })).toMatchObject({ linkTemplate: "https://drive.google.com/uc?id={id}&export=download" });
    expect(problems({ GDRIVE_REMOTE: "gdrive", GDRIVE_FOLDER_NAMING: "date" })).toEqual(["GDRIVE_FOLDER_NAMING must be one of name-and-id, name, id"]);
    expect(problems({ GDRIVE_REMOTE: "gdrive", GDRIVE_LINK_TEMPLATE: "https://files.example.com/static" })).toEqual([
      "GDRIVE_LINK_TEMPLATE must contain at least one of {id} {remote} {path} {encodedPath} {name}",
    ]);
    expect(problems({ GDRIVE_REMOTE: "gdrive", GDRIVE_LINK_TEMPLATE: "https://files.example.com/{file}/{path}" })).toEqual([
      "GDRIVE_LINK_TEMPLATE has unknown placeholders {file} (known: {id} {remote} {path} {encodedPath} {name})",
    ]);
    expect(problems({ GDRIVE_REMOTE: "gdrive", GDRIVE_LINK_TEMPLATE: "files.example.com/{encodedPath}" })).toEqual([
      "GDRIVE_LINK_TEMPLATE must be an absolute URL such as https://files.example.com/{encodedPath}",
    ]);
    // like GDRIVE_OUTPUT_FOLDER, they do nothing (and are not checked) while Drive is off
    expect(parseIntegrationConfig({ GDRIVE_FOLDER_NAMING: "date", GDRIVE_LINK_TEMPLATE: "x" }).drive).toBeNull();
  });

  it("webhooks: WEBHOOK_PATH_MAP", () => {
    const hooks = (map: string) => parseIntegrationConfig({ N8N_WEBHOOK_RENDER_URL: "http://n8n:5678/webhook/render-complete", WEBHOOK_PATH_MAP: map }).webhooks;
    expect(hooks("/srv/emberflow/data/outputs:/renders")?.pathMapping).toEqual({ from: "/srv/emberflow/data/outputs", to: "/renders" });
    expect(hooks(" /data/outputs/ : /renders/ ")?.pathMapping).toEqual({ from: "/data/outputs", to: "/renders" });
    expect(parseIntegrationConfig({ N8N_WEBHOOK_RENDER_URL: "http://n8n:5678/x" }).webhooks).not.toHaveProperty("pathMapping");
    const bad = "WEBHOOK_PATH_MAP must be <local path>:<receiver path>, two absolute paths, e.g. /srv/emberflow/data/outputs:/renders";
    for (const v of ["/data/outputs", "/a:/b:/c", "data/outputs:/renders", "/data/outputs:renders", "/data:"]) {
      expect(problems({ N8N_WEBHOOK_RENDER_URL: "http://n8n:5678/x", WEBHOOK_PATH_MAP: v })).toEqual([bad]);
    }
    // ignored (like N8N_WEBHOOK_SECRET) while no webhook is configured
    expect(parseIntegrationConfig({ WEBHOOK_PATH_MAP: "nonsense" }).webhooks).toBeNull();
  });

  it("reads the integration retry schedule, and rejects nonsense", () => {
    expect(parseIntegrationConfig({ INTEGRATION_MAX_ATTEMPTS: "40", INTEGRATION_BACKOFF_BASE_MS: "200", INTEGRATION_BACKOFF_MAX_MS: "1000" }).retry).toEqual({
      maxAttempts: 40,
      backoffBaseMs: 200,
      backoffMaxMs: 1000,
    });
    expect(parseIntegrationConfig({ INTEGRATION_BACKOFF_BASE_MS: "500" }).retry).toEqual({ backoffBaseMs: 500 });
    expect(problems({ INTEGRATION_MAX_ATTEMPTS: "0", INTEGRATION_BACKOFF_BASE_MS: "900", INTEGRATION_BACKOFF_MAX_MS: "100" })).toEqual([
      "INTEGRATION_MAX_ATTEMPTS must be a whole number of at least 1",
      "INTEGRATION_BACKOFF_MAX_MS must not be below INTEGRATION_BACKOFF_BASE_MS",
    ]);
    expect(problems({ INTEGRATION_BACKOFF_MAX_MS: "soon" })).toEqual(["INTEGRATION_BACKOFF_MAX_MS must be a whole number of at least 10"]);
  });

  it("collects clear errors without printing secret values", () => {
    const p = problems({
      NTFY_TOPIC: "a/b",
      NTFY_NOTIFY_STARTED: "maybe",
      GOOGLE_SHEETS_ID: "x",
      GOOGLE_PRIVATE_KEY: "super-secret-not-a-key",
      N8N_WEBHOOK_RENDER_URL: "ftp://nope",
      WEBHOOKS: `[{"url":"https://h.example","events":[]}]`,
      PUBLIC_URL: "not a url",
    });
    expect(p).toEqual([
      "NTFY_NOTIFY_STARTED must be true or false",
      "NTFY_TOPIC must be a name without slashes or spaces",
      "Google Sheets export is half configured: set GOOGLE_SERVICE_ACCOUNT_EMAIL too (or unset all three)",
      "N8N_WEBHOOK_RENDER_URL must be an http(s) URL",
      "WEBHOOKS[0].secret must be a string of at least 8 characters",
      'WEBHOOKS[0].events must be a non-empty list such as ["job.completed","batch.*"]',
      "PUBLIC_URL must be an http(s) URL",
    ]);
    expect(p.join(" ")).not.toContain("super-secret");
    expect(problems({ WEBHOOKS: "{not json" })[0]).toMatch(/^WEBHOOKS must be a JSON array/);
    // the adapter's own rules still apply (unique ids)
    const dup = { url: "https://h.example", secret: "12345678", events: ["*"], id: "a" };
    expect(problems({ WEBHOOKS: JSON.stringify([dup, dup]) })).toEqual(["WEBHOOKS: subscription ids must be unique"]);
    expect(problems({ NTFY_URL: "https://ntfy.sh", NTFY_TOPIC: "a b" })).toEqual(["NTFY_TOPIC must be a name without slashes or spaces"]);
    expect(problems({ GOOGLE_SHEETS_ID: "x", GOOGLE_SERVICE_ACCOUNT_EMAIL: "sa@x", GOOGLE_PRIVATE_KEY: "nope" })).toEqual([
      "GOOGLE_PRIVATE_KEY must be the PEM private_key from the service account's JSON key",
    ]);
  });
});
