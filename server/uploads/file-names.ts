/**
 * Original file names are kept for display only, never used as paths (uploads are stored by
 * sha256 and id). Still, the display name is cleaned: a client could send `../../etc/passwd.wav`,
 * NUL bytes, control or bidi-override characters that would mislead whoever reads it later.
 */
const MAX_DISPLAY_NAME = 200;

export function displayFileName(raw: string | null | undefined): string {
  let name = (raw ?? "").normalize("NFC");
  // the last path component, whichever separator the client's OS uses
  name = name.split(/[/\\]/).pop() ?? "";
  // control characters (NUL included) and invisible format characters (bidi overrides)
  name = name.replace(/[\p{Cc}\p{Cf}]/gu, "");
  name = name.trim().replace(/^\.+/, "").trim();
  if (name.length > MAX_DISPLAY_NAME) name = [...name].slice(0, MAX_DISPLAY_NAME).join("");
  return name.length > 0 ? name : "upload";
}
